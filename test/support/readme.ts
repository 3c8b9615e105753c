import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { ROOT } from '../../scripts/tools';

/** The shell blocks of one README section, in order. */
export function shellBlocks(section: string): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`## ${section}\n`);
  expect(start, `README has a "${section}" section`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

/**
 * Runs README's "Try it" examples as a user pastes them into a shell, against the API at `api`,
 * and checks that the calls answered what their comments say. `env` is added to the shell's
 * (a clock of its own, say).
 */
export function runTryIt(api: string, env: Record<string, string> = {}): void {
  const blocks = shellBlocks('Try it');
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  const script = ['set -euo pipefail', ...blocks].join('\n');
  const result = spawnSync('bash', ['-c', script], {
    env: { ...process.env, API: api, ADMIN_KEY: inject('adminKey'), ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(result.status, `stderr: ${result.stderr}\nstdout: ${result.stdout.slice(-2000)}`).toBe(0);
  expect(result.stdout).toContain('"role":"sales"');
  expect(result.stdout).toMatch(/"stage":"sal"/);
  expect(result.stdout).toMatch(/"changeNote":"Q4 review"/);
  expect(result.stdout).toMatch(/"status":"(running|done)"/);
  expect(result.stdout).toMatch(/"url":"https:\/\/crm.example.com\/leadflow"/);
}
