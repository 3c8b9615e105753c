/**
 * Applying source patches to FerretDB before it is built: each applies exactly where expected,
 * Go code with `$` in it is written as it is, and a patch that no longer applies stops the build
 * by naming the file and why the patch exists. (The real patches are applied to the real source
 * by every build: scripts/tools.ts ensureFerretDb.)
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPatches, FERRETDB_PATCHES, type SourcePatch } from './ferretdb-patches';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function source(text: string): Promise<string> {
  root = await mkdtemp(path.join(os.tmpdir(), 'leadflow-patch-'));
  await writeFile(path.join(root, 'a.go'), text);
  return root;
}

describe('applyPatches', () => {
  it('replaces every expected occurrence, and writes `$` patterns as they are', async () => {
    const dir = await source('x := 1\nx := 1\n');
    await applyPatches(dir, [{ file: 'a.go', why: 'test', from: 'x := 1', to: 'x := `^[a]*$` // $& $`', times: 2 }]);
    expect(await readFile(path.join(dir, 'a.go'), 'utf8')).toBe('x := `^[a]*$` // $& $`\nx := `^[a]*$` // $& $`\n');
  });

  it('stops, naming the file and the reason, when the text is not there as often as expected', async () => {
    const dir = await source('x := 2\n');
    const patch: SourcePatch = { file: 'a.go', why: 'the index is never used', from: 'x := 1', to: 'x := 3', times: 1 };
    await expect(applyPatches(dir, [patch])).rejects.toThrow('FerretDB patch no longer applies to a.go: the index is never used');
    await expect(applyPatches(dir, [{ ...patch, from: 'x := 2', times: 2 }])).rejects.toThrow(/no longer applies to a\.go/);
    expect(await readFile(path.join(dir, 'a.go'), 'utf8')).toBe('x := 2\n');
  });

  it('every LeadFlow patch says why it exists', () => {
    for (const patch of FERRETDB_PATCHES) expect(patch.why.length).toBeGreaterThan(20);
  });
});
