/**
 * LeadFlow's changes to FerretDB's source, applied before it is built (scripts/tools.ts
 * ensureFerretDb): unified diffs against the pinned version in tools/ferretdb/NN-name.patch,
 * applied in name order. Each opens with why it exists (`Why:`) and the test that proves it
 * (`Test:`). A patch that no longer applies stops the build, naming it and its reason, so a
 * changed upstream file is looked at again.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface FerretDbPatch {
  /** File name, e.g. `01-id-index-expression.patch`. */
  name: string;
  /** Absolute path of the patch file. */
  file: string;
  /** Its `Why:` paragraph. */
  why: string;
  /** Its `Test:` paragraph. */
  test: string;
  /** The whole file. */
  text: string;
}

/** The `*.patch` files of `dir` in the order they apply (by name). */
export async function readPatches(dir: string): Promise<FerretDbPatch[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.patch')).sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      const text = await readFile(file, 'utf8');
      const header = text.slice(0, Math.max(0, text.search(/^diff --git /m)));
      return { name, file, why: paragraph(header, 'Why'), test: paragraph(header, 'Test'), text };
    }),
  );
}

/**
 * A short digest of the patches' names and contents: stamped on a built binary, so that one built
 * with other patches is rebuilt.
 */
export function patchLevel(patches: readonly FerretDbPatch[]): string {
  const hash = createHash('sha256');
  for (const patch of patches) hash.update(`${patch.name}\0${patch.text}\0`);
  return hash.digest('hex').slice(0, 12);
}

/**
 * Applies `patches` in order to the source tree at `root` with `git apply`, each checked first
 * (`git apply --check`) so that one that does not apply changes nothing.
 * @throws Error naming the patch and its reason when it no longer applies.
 */
export async function applyPatches(root: string, patches: readonly FerretDbPatch[]): Promise<void> {
  for (const patch of patches) {
    try {
      await git(root, ['apply', '--check', patch.file]);
    } catch (err) {
      throw new Error(`FerretDB patch ${patch.name} no longer applies: ${patch.why}\n${(err as Error).message}`);
    }
    await git(root, ['apply', patch.file]);
  }
}

/**
 * Runs git in `root` as outside any repository: the module's source is none, and a tree that sits
 * inside one (.tools/ in the project's checkout) would otherwise take paths relative to that
 * repository and skip every file.
 */
function git(root: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: root, env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(path.resolve(root)) } }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new Error(missing ? 'git is needed to apply the FerretDB patches: install git' : stderr.trim() || err.message));
    });
  });
}

function paragraph(header: string, label: string): string {
  const match = header.match(new RegExp(`^${label}:([\\s\\S]*?)(?=^\\w+:|^\\s*$)`, 'm'));
  return (match?.[1] ?? '').replace(/\s+/g, ' ').trim();
}
