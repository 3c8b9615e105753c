/**
 * `npm test`: obtains every binary the suite needs (first run builds them, with progress),
 * type-checks, lints import boundaries, builds the builder UI, and runs the whole vitest suite
 * against real services.
 * Extra arguments go to vitest, e.g. `npm test -- --project unit`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureAllTools, ROOT } from './tools';

const log = (line: string) => console.log(`[leadflow test] ${line}`);
const bin = (pkg: string, file: string) => path.join(ROOT, 'node_modules', pkg, file);

await ensureAllTools(log);
step('type-check', [bin('typescript', 'bin/tsc'), '--noEmit', '-p', ROOT]);
step('lint (import boundaries)', [bin('dependency-cruiser', 'bin/dependency-cruise.mjs'), 'engine', 'rules', 'workflows', 'api', 'builder-ui', 'scripts', 'test', '--config', '.dependency-cruiser.cjs']);
step('build the builder UI', [bin('vite', 'bin/vite.js'), 'build', '--config', 'builder-ui/vite.config.ts', '--logLevel', 'warn']);

const report = path.join(ROOT, 'test-results', 'vitest.json');
rmSync(report, { force: true });
const vitest = spawnSync(
  process.execPath,
  [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit' },
);
if (existsSync(report)) {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
  // A plain closing line that any CI can read.
  console.log(`Tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
}
process.exit(vitest.status ?? 1);

function step(what: string, args: string[]): void {
  log(what);
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    log(`${what} failed`);
    process.exit(result.status ?? 1);
  }
}
