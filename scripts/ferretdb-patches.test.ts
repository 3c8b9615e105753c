/**
 * LeadFlow's FerretDB patches as patch files: they apply in name order with `git apply`, checked
 * first so that one that no longer applies changes nothing and stops the build naming itself and
 * why it exists; also in a tree inside another repository (.tools/ in a checkout); their digest
 * changes with their text; and every shipped patch says why and names a test that exists. (The
 * shipped patches are applied to the real source by every build: scripts/tools.ts ensureFerretDb.)
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPatches, patchLevel, readPatches } from './ferretdb-patches';
import { FERRETDB_PATCH_DIR, ROOT } from './tools';

let root: string;
let patchDir: string;
let tree: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'leadflow-patch-'));
  patchDir = path.join(root, 'patches');
  tree = path.join(root, 'src');
  await mkdir(patchDir);
  await mkdir(path.join(tree, 'internal'), { recursive: true });
  await writeFile(path.join(tree, 'internal', 'a.go'), 'package a\n\nx := 1\n\ny := `^[a]*$`\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const header = (why: string) => `LeadFlow patch to FerretDB: a test.\n\nWhy: ${why}\nTest: scripts/ferretdb-patches.test.ts.\n\n`;
const diff = (from: string, to: string) =>
  `diff --git a/internal/a.go b/internal/a.go\n--- a/internal/a.go\n+++ b/internal/a.go\n@@ -1,5 +1,5 @@\n package a\n \n-${from}\n+${to}\n \n y := \`^[a]*$\`\n`;

describe('FerretDB patches', () => {
  it('apply in name order, each on what the one before left', async () => {
    await writeFile(path.join(patchDir, '02-second.patch'), header('the second change builds on the first one') + diff('x := 2', 'x := 3'));
    await writeFile(path.join(patchDir, '01-first.patch'), header('the first change of the source') + diff('x := 1', 'x := 2'));
    await writeFile(path.join(patchDir, 'README.md'), 'not a patch\n');
    const patches = await readPatches(patchDir);
    expect(patches.map((patch) => [patch.name, patch.why, patch.test])).toEqual([
      ['01-first.patch', 'the first change of the source', 'scripts/ferretdb-patches.test.ts.'],
      ['02-second.patch', 'the second change builds on the first one', 'scripts/ferretdb-patches.test.ts.'],
    ]);
    await applyPatches(tree, patches);
    expect(await readFile(path.join(tree, 'internal', 'a.go'), 'utf8')).toBe('package a\n\nx := 3\n\ny := `^[a]*$`\n');
  });

  it('stop at one that no longer applies, naming it and why it exists, and leave its files as they were', async () => {
    await writeFile(path.join(patchDir, '01-stale.patch'), header('the index is never used without it') + diff('x := 9', 'x := 10'));
    await expect(applyPatches(tree, await readPatches(patchDir))).rejects.toThrow(/^FerretDB patch 01-stale\.patch no longer applies: the index is never used without it\n.*patch does not apply/s);
    expect(await readFile(path.join(tree, 'internal', 'a.go'), 'utf8')).toBe('package a\n\nx := 1\n\ny := `^[a]*$`\n');
  });

  it('apply to a tree that sits inside another git repository', async () => {
    execFileSync('git', ['init', '-q', root]);
    await writeFile(path.join(patchDir, '01-first.patch'), header('the first change of the source') + diff('x := 1', 'x := 2'));
    await applyPatches(tree, await readPatches(patchDir));
    expect(await readFile(path.join(tree, 'internal', 'a.go'), 'utf8')).toContain('x := 2');
  });

  it('have a digest that changes with their text, so that a changed patch rebuilds FerretDB', async () => {
    await writeFile(path.join(patchDir, '01-first.patch'), header('the first change of the source') + diff('x := 1', 'x := 2'));
    const before = patchLevel(await readPatches(patchDir));
    expect(patchLevel(await readPatches(patchDir))).toBe(before);
    await writeFile(path.join(patchDir, '01-first.patch'), header('the first change of the source') + diff('x := 1', 'x := 4'));
    expect(patchLevel(await readPatches(patchDir))).not.toBe(before);
  });

  it('shipped with LeadFlow each say why they exist and name the test that proves them', async () => {
    const patches = await readPatches(FERRETDB_PATCH_DIR);
    expect(patches.length).toBeGreaterThan(0);
    for (const patch of patches) {
      expect(patch.name).toMatch(/^\d\d-[a-z0-9-]+\.patch$/);
      expect(patch.why.length, patch.name).toBeGreaterThan(80);
      const testFile = patch.test.match(/^(\S+\.test\.ts)/)?.[1];
      expect(testFile, `${patch.name} names a test file`).toBeDefined();
      const source = (await readFile(path.join(ROOT, testFile as string), 'utf8')).replace(/\s+/g, ' ');
      // Titles are quoted, a part left out written `…`.
      const titles = [...patch.test.matchAll(/"([^"]+)"/g)].map((match) => match[1] as string);
      expect(titles.length, `${patch.name} names its tests`).toBeGreaterThan(0);
      for (const part of titles.flatMap((title) => title.split('…'))) {
        const words = part.trim().replace(/,$/, '');
        if (words) expect(source, `${patch.name} names a test of ${testFile}`).toContain(words);
      }
    }
  });
});
