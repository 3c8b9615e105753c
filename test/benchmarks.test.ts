/**
 * The live and import benchmarks run from a clone with one command each, and report what the
 * README quotes: their `--quick` runs, each on services of its own as `npm run bench:live` and
 * `npm run bench:import` start them, end with every figure printed and, for the import, every
 * lead checked exact. Speed is not asserted here (a busy machine may miss a target); that the
 * targets are printed, and that nothing the benchmarks send is lost, is.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
/** A benchmark still running after this is stopped, so that its output (not a bare timeout) tells where it hung. */
const RUN_LIMIT_MS = 270_000;

/** Runs a benchmark script as its npm script does, and gives back its exit code and output. */
function runBenchmark(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', script), ...args], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_LIMIT_MS });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The number in a markdown table row's cell `column` (0-based), thousands separators allowed. */
const cell = (row: string, column: number) => Number((row.split('|')[column + 1] ?? '').trim().split(' ')[0]?.replace(/,/g, ''));

it('bench:live --quick measures the bare ceiling, four deliveries and latency batched and single at three rates, with progress, and prints the targets', { timeout: 300_000 }, async () => {
  const { code, output } = await runBenchmark('bench-live.ts', ['--quick']);
  expect(code, output.slice(-3_000)).toBe(0);
  // Progress while it runs: timestamped lines within the phases (the latency phases last seconds).
  expect(output.match(/^\[\d\d:\d\d:\d\d\] +latency at [\d.]+\/s: sent \d+ \/ \d+, visible \d+/m), output.slice(0, 3_000)).not.toBeNull();
  // Neither side pays for compiling its code in the first measured phase: both warm up alike first.
  expect(output).toMatch(/warmed up: 50 leads x 4 events interleaved, then grouped \(not measured; the bare ceiling's worker warms up with as many\)/);

  const rows = output.split('\n').filter((line) => line.startsWith('| '));
  const delivery = (start: string) => rows.find((row) => row.startsWith(`| ${start}`)) as string;
  for (const start of ['bare workflow', 'the same, plus one local activity', 'LeadFlow interleaved', 'LeadFlow grouped', 'LeadFlow single events']) {
    const row = delivery(start);
    expect(row, `the summary's "${start}" row`).toBeDefined();
    // 40 leads x 10 events, every one visible, at a rate above zero.
    expect(cell(row, 1)).toBe(400);
    expect(cell(row, 3)).toBeGreaterThan(0);
  }
  const latencyRows = ['single, nearly idle', 'batched, about 1/2', 'batched, about 9/10', 'single, about 1/2', 'single, about 9/10'];
  for (const label of latencyRows) {
    const row = delivery(label);
    expect(row, `the latency row "${label}"`).toBeDefined();
    // Every event sent became visible, and the percentiles were measured.
    expect(cell(row, 2)).toBeGreaterThan(0);
    expect(cell(row, 3)).toBe(cell(row, 2));
    expect(row.split('|')[5]).toMatch(/\d+ \/ \d+ \/ \d+/);
  }
  // Each LeadFlow phase's CPU per event, by process of the stack.
  const cpuHeader = rows.find((row) => row.startsWith('| LeadFlow phase: ms of CPU per event')) as string;
  expect(cpuHeader, 'the CPU table').toBeDefined();
  expect(cpuHeader.split('|').map((c) => c.trim())).toEqual(expect.arrayContaining(['Temporal', 'FerretDB', 'worker', 'API', 'benchmark', 'all']));
  for (const phase of ['LeadFlow interleaved', 'LeadFlow grouped', 'latency, batched, about 1/2', 'LeadFlow single events']) {
    const row = rows.find((line) => line.startsWith(`| ${phase}`) && /: [\d,]+ events in [\d.]+ s /.test(line)) as string;
    expect(row, `the CPU row "${phase}"`).toBeDefined();
    expect(row.split('|').at(-2)?.trim()).toMatch(/^\d+\.\d \(\d+ %\)$/);
  }
  expect(output).toMatch(/interleaved ≥ 70 % of the bare signals-only ceiling: \d+ % — (met|not met)/);
  expect(output).toMatch(/grouped \(≥ 10 events per lead per batch\) ≥ 1,000 events\/s: [\d,]+ — (met|not met)/);
  expect(output).toMatch(/p95 from 202 to visible < 1 s at half the capacity \(the interleaved stream, a batch every 100 ms\): [\d,]+ ms at [\d.]+ events\/s — (met|not met)/);
  expect(output).toMatch(/single events, one a request, at half their own capacity \([\d,]+\/s\): [\d,]+ ms at [\d.]+ events\/s — (met|not met)/);
});

it('bench:import --quick imports a generated backfill and finds every lead exact', { timeout: 300_000 }, async () => {
  const { code, output } = await runBenchmark('bench-import.ts', ['--quick']);
  expect(code, output.slice(-3_000)).toBe(0);
  expect(output).toMatch(/import answered after [\d.]+ s: 10,000 rows, 10,000 imported, 0 rejected, 0 failed/);
  expect(output).toMatch(/500 exact, 0 not/);
  expect(output).toMatch(/input logs complete: +500 of 500/);
  expect(output).toMatch(/lead workflows running: +500 of 500/);
});
