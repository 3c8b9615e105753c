/**
 * `npm run calibrate` as a user runs it: the outcome stated three ways, errors that name the
 * option to use (never an internal function), --help, and --json with the whole report.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledExport } from '../engine/calibration/testing/labelled-export';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
let file: string;

/** Runs the script; resolves with its exit code and output, whether it succeeded or not. */
async function calibrate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/calibrate.ts', ...args], { cwd: repo, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'calibrate-cli-'));
  file = path.join(dir, 'sdr.csv');
  // A B2B export at a 5 % base rate; "Stage" says "Qualified" for the leads that converted.
  const { rows } = labelledExport({ baseRate: 0.05, rows: 4000, seed: 5 });
  const stages = ['Lost', 'Open', 'No answer'];
  const withStage = rows.map((row, i) => ({ ...row, Stage: row.Converted === 'Yes' ? 'Qualified' : stages[i % 3]! }));
  const columns = Object.keys(withStage[0]!);
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  await writeFile(file, [columns.join(','), ...withStage.map((row) => columns.map((c) => cell(row[c as keyof typeof row] ?? '')).join(','))].join('\n'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run calibrate', () => {
  it('--help explains the three ways to state the outcome', async () => {
    const { code, stdout } = await calibrate('--help');
    expect(code).toBe(0);
    for (const option of ['--outcome COLUMN', '--positive VALUE', '--positive-if-present', '--json', '--target']) expect(stdout).toContain(option);
  });

  it('an id outcome without a way to read it says which option to use, in the user\'s words', async () => {
    const { code, stderr } = await calibrate(file, '--outcome', 'Opportunity ID');
    expect(code).toBe(1);
    expect(stderr).toContain('"Opportunity ID" is not a yes/no column');
    expect(stderr).toContain('--positive-if-present');
    expect(stderr).not.toMatch(/stratifiedSplit|buildDataset|calibrateHistory|readOutcomes/);
  });

  it('an unknown outcome column lists the columns', async () => {
    const { code, stderr } = await calibrate(file, '--outcome', 'Closed');
    expect(code).toBe(1);
    expect(stderr).toContain('there is no column "Closed" to read the outcome from (columns: Lead Number, Job Title');
    expect(stderr).toContain('--outcome COLUMN');
  });

  it('--positive-if-present --json prints the whole report as JSON', async () => {
    const { code, stdout } = await calibrate(file, '--outcome', 'Opportunity ID', '--positive-if-present', '--exclude', 'Converted,Stage', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ rows: 4000, dropped: 0, file: { rows: 4000 } });
    expect(report.leakage.flagged).toContain('Call Duration');
    expect(report.leakage.columns.find((c: { column: string }) => c.column === 'Call Duration').reasons.length).toBeGreaterThan(0);
    for (const score of [report.points, report.predictive]) {
      expect(score.auc).toBeGreaterThan(0.7);
      expect(score.bands.length).toBeGreaterThan(2);
    }
    expect(report.recommendation).toMatchObject({ threshold: expect.any(Number), share: expect.any(Number), conversion: expect.any(Number), recall: expect.any(Number), why: expect.stringContaining('three times the base rate') });
    expect(report.recommendation.share).toBeGreaterThanOrEqual(0.05);
    expect(report.recommendation.share).toBeLessThanOrEqual(0.4);
  });

  it('--positive reads every other filled-in value as not converted', async () => {
    const { code, stdout, stderr } = await calibrate(file, '--outcome', 'Stage', '--positive', 'Qualified', '--exclude', 'Converted');
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('overall close rate');
    expect(stdout).toMatch(/FLAGGED Opportunity ID \(excluded\)\n\s+- an alias of the outcome/);
  });
});
