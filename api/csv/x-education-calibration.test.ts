/**
 * Calibration from history on real data: the X Education export (9,240 leads, outcome
 * `Converted`), read by readCsv and calibrated by calibrateHistory exactly as `npm run calibrate`
 * does; then the same export rewritten with another schema — other column names, another outcome
 * name and values, `;` between fields, decimal commas, a byte-order mark — through the same code.
 *
 * Floors, from the figures measured at seed 42 (docs/calibration.md lists them with seeds 1–7):
 * - X Education: points model hold-out AUC 0.886 (0.874–0.886 over eight seeds) → floor 0.85;
 *   predictive score 0.926 (0.907–0.926) → floor 0.89.
 * - Rewritten export (fewer columns): points 0.853 (0.841–0.853 over six seeds) → floor 0.80;
 *   predictive 0.901 (0.883–0.901) → floor 0.85.
 * The threshold's hold-out conversion must land within 5 points of the 80 % target (measured
 * 78.0–82.8 % over those seeds, for both scores).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { calibrateHistory } from '../../rules/calibration/calibrate-history';
import { PREDICTIVE_SCORE } from '../../rules/calibration/propose-graph';
import { validateGraph } from '../../rules/validate-graph';
import { parseCsv } from './read-csv';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = path.resolve(repo, 'datasets/x-education-leads/leads.csv');
const TARGET = 0.8;

/** Runs `work` once, on first use; a failure fails every test that uses it (none is skipped). */
function once<T>(work: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= work());
}

/** The first test of a file does the calibration; on this shared two-core machine give it time. */
const SLOW = 120_000;

function readExport(): string {
  // Never skipped: without the data set this test cannot prove anything, so it fails and says why.
  if (!existsSync(DATA)) throw new Error(`The X Education export is missing: expected ${DATA} (datasets/x-education-leads/leads.csv in the repository)`);
  return readFileSync(DATA, 'utf8');
}

describe('calibration on the X Education export', () => {
  const calibrated = once(async () => {
    const table = parseCsv(readExport());
    return { table, report: await calibrateHistory(table.rows, { outcome: 'Converted', seed: 42, target: TARGET }) };
  });

  it('reads every row', async () => {
    const { table, report } = await calibrated();
    expect(table).toMatchObject({ delimiter: ',', problems: [] });
    expect(table.rows).toHaveLength(9240);
    expect(report).toMatchObject({ rows: 9240, dropped: 0, train: 6468, holdout: 2772 });
    expect(report.overallRate).toBeCloseTo(0.385, 2);
  }, SLOW);

  it('flags Tags and Lead Quality as leakage, without being told, and nothing ordinary', async () => {
    const { report } = await calibrated();
    expect(report.leakage.flagged).toEqual(['Tags', 'Lead Quality']);
    expect(report.excluded).toEqual(['Tags', 'Lead Quality']);
    for (const column of ['Tags', 'Lead Quality']) expect(report.leakage.columns.find((c) => c.column === column)!.reasons.length).toBeGreaterThan(0);
    for (const column of ['Lead Source', 'TotalVisits', 'Total Time Spent on Website', 'Lead Origin']) {
      expect(report.leakage.columns.find((c) => c.column === column)).toMatchObject({ flagged: false });
    }
  }, SLOW);

  it('holds both scores above their floors on the hold-out', async () => {
    const { report } = await calibrated();
    expect(report.points.auc).toBeGreaterThan(0.85);
    expect(report.predictive.auc).toBeGreaterThan(0.89);
  }, SLOW);

  it('recommends a threshold whose hold-out conversion is within 5 points of the target, and proposes a valid model using it', async () => {
    const { report } = await calibrated();
    for (const backtest of [report.predictive, report.points]) {
      expect(backtest.threshold.reached).toBe(true);
      expect(Math.abs(backtest.holdout.precision - TARGET)).toBeLessThan(0.05);
      expect(backtest.holdout.selected).toBeGreaterThan(0.2 * report.holdout);
    }
    expect(validateGraph(report.graph)).toMatchObject({ ok: true, issues: [] });
    expect(report.model.thresholds).toMatchObject([{ scores: [PREDICTIVE_SCORE], value: report.predictive.threshold.threshold }]);
    expect(JSON.stringify(report.graph)).not.toMatch(/lead\.(tags|leadQuality)\b/);
  }, SLOW);
});

describe('calibration on an export with another schema, through the same code', () => {
  /** Columns kept and their new names; the outcome becomes "Enrolled" (yes / no). */
  const RENAMED: Record<string, string> = {
    'Lead Origin': 'Origin',
    'Lead Source': 'Channel',
    TotalVisits: 'Visits',
    'Total Time Spent on Website': 'Minutes on site',
    'Last Activity': 'Latest action',
    'What is your current occupation': 'Occupation',
    Specialization: 'Field',
    Tags: 'Status note',
    'Lead Quality': 'Rep rating',
    City: 'Town',
    'Do Not Email': 'Opted out of email',
    Converted: 'Enrolled',
  };

  /** The export rewritten as another CRM might write it. */
  function rewrite(rows: ReadonlyArray<Record<string, string>>): string {
    const quote = (value: string) => (/[;"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    const cell = (to: string, value: string) => {
      if (to === 'Enrolled') return value === '1' ? 'yes' : 'no';
      if (to === 'Minutes on site') return (Number(value) / 60).toFixed(2).replace('.', ',');
      if (to === 'Opted out of email') return value === 'Yes' ? 'true' : 'false';
      // A separator inside a quoted field, which the sniffer and the parser must see through.
      if (to === 'Latest action') return quote(value.replace('Email Opened', 'Email; opened'));
      return quote(value === 'Select' ? '' : value);
    };
    const lines = rows.map((row) => Object.entries(RENAMED).map(([from, to]) => cell(to, row[from] ?? '')).join(';'));
    return `\uFEFF${[Object.values(RENAMED).join(';'), ...lines].join('\n')}\n`;
  }

  const calibrated = once(async () => {
    const table = parseCsv(rewrite(parseCsv(readExport()).rows));
    return { table, report: await calibrateHistory(table.rows, { outcome: 'Enrolled', seed: 42, target: TARGET }) };
  });

  it('sniffs the separator and reads decimal commas as numbers', async () => {
    const { table, report } = await calibrated();
    expect(table).toMatchObject({ delimiter: ';', problems: [], columns: Object.values(RENAMED) });
    expect(table.rows[1]).toMatchObject({ 'Latest action': 'Email; opened', 'Minutes on site': '11,23', Enrolled: 'no' });
    expect(report.mappings.find((m) => m.column === 'Minutes on site')).toMatchObject({ kind: 'number', fact: 'lead.minutesOnSite', declared: true });
    expect(report.mappings.find((m) => m.column === 'Channel')).toMatchObject({ kind: 'category', fact: 'lead.channel' });
  }, SLOW);

  it('flags the renamed leaking columns, and the models clear their floors', async () => {
    const { report } = await calibrated();
    expect(report.leakage.flagged).toEqual(['Status note', 'Rep rating']);
    expect(report.points.auc).toBeGreaterThan(0.8);
    expect(report.predictive.auc).toBeGreaterThan(0.85);
    expect(Math.abs(report.predictive.holdout.precision - TARGET)).toBeLessThan(0.05);
    expect(validateGraph(report.graph)).toMatchObject({ ok: true, issues: [] });
  }, SLOW);
});
