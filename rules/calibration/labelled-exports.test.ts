/**
 * Calibration on generated exports with known truth (engine/calibration/testing/labelled-export.ts)
 * at base rates of 2 %, 10 % and 40 %: messy spellings, many rare titles, creation dates in two
 * formats with conversion drifting down for the newest leads, a last-activity date with a planted
 * recency effect, an outcome alias and a post-outcome field. Calibration must flag both leaks (the
 * alias named as such), recover the sign of every planted effect (the recency one through age
 * bands, never a calendar date), come within 0.02 hold-out AUC of a plain logistic regression fitted on the clean planted
 * columns on the same split, warn about the drift, and recommend a threshold that sends between
 * 5 % and 40 % of the hold-out leads to sales.
 */
import { describe, expect, it } from 'vitest';
import { buildDataset, foldText } from '../../engine/calibration/dataset';
import { buildDesign, encodeRows } from '../../engine/calibration/design-matrix';
import { fitLogistic, logOdds } from '../../engine/calibration/logistic-regression';
import { rocAuc } from '../../engine/calibration/metrics';
import { stratifiedSplit } from '../../engine/calibration/split';
import { labelledExport, type LabelledExport } from '../../engine/calibration/testing/labelled-export';
import { calibrateHistory } from './calibrate-history';

const SEED = 42;
/** Each category effect is measured against a level planted with none. */
const REFERENCE: Record<string, string> = { 'Job Title': 'Manager', Industry: 'Finance', 'Lead Source': 'Organic' };

/** Runs `work` once, on first use; a failure fails every test that uses it (none is skipped). */
function once<T>(work: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= work());
}

describe.each([
  { baseRate: 0.02, rows: 20_000 },
  { baseRate: 0.1, rows: 10_000 },
  { baseRate: 0.4, rows: 10_000 },
])('calibration on a generated export at a $baseRate base rate', ({ baseRate, rows }) => {
  const calibrated = once(async () => {
    const generated = labelledExport({ baseRate, rows, seed: 7 });
    const report = await calibrateHistory(generated.rows, { outcome: generated.outcome, seed: SEED });
    return { generated, report };
  });

  it('has the base rate it was asked for', async () => {
    const { generated } = await calibrated();
    expect(generated.conversions / rows).toBeGreaterThan(baseRate * 0.85);
    expect(generated.conversions / rows).toBeLessThan(baseRate * 1.15);
  });

  it('flags both planted leaks, and names the outcome alias as such', async () => {
    const { generated, report } = await calibrated();
    expect(report.leakage.flagged).toEqual(expect.arrayContaining([generated.leaks.alias, generated.leaks.postOutcome]));
    expect(report.excluded).toEqual(expect.arrayContaining([generated.leaks.alias, generated.leaks.postOutcome]));
    const alias = report.leakage.columns.find((column) => column.column === generated.leaks.alias)!;
    expect(alias.reasons.join(' ')).toMatch(/alias of the outcome/);
    for (const honest of ['Job Title', 'Industry', 'Lead Source', 'Pages Viewed']) expect(report.leakage.flagged).not.toContain(honest);
  });

  it('recovers the sign of every planted effect in the predictive score', async () => {
    const { generated, report } = await calibrated();
    const terms = report.graph.predictive![0]!.terms;
    // A value reads as its most common spelling ("MANAGER" or "Manager"): compare folded.
    const weightOf = (label: string) => terms.find((term) => foldText(term.label ?? '') === foldText(label))?.weight ?? 0;
    for (const effect of generated.effects) {
      if (effect.value === undefined) {
        const linear = terms.find((term) => term.kind === 'linear' && term.label === effect.column);
        expect(Math.sign(linear?.weight ?? 0), effect.column).toBe(Math.sign(effect.logOdds));
        continue;
      }
      const reference = REFERENCE[effect.column]!;
      const contrast = weightOf(`${effect.column}: ${effect.value}`) - weightOf(`${effect.column}: ${reference}`);
      expect(Math.sign(contrast), `${effect.column}: ${effect.value} against ${reference}`).toBe(Math.sign(effect.logOdds));
    }
  });

  it('folds spellings of the same value into one level', async () => {
    const { report } = await calibrated();
    const titles = report.closeRates.columns.find((column) => column.column === 'Job Title')!;
    const folded = titles.levels.map((level) => foldText(level.label));
    expect(new Set(folded).size).toBe(folded.length);
    expect(folded).toEqual(expect.arrayContaining(['clevel', 'vp', 'student']));
  });

  it('leaves out a column that repeats another, so its information is not counted twice', async () => {
    const { generated, report } = await calibrated();
    expect(report.redundant).toEqual([expect.objectContaining({ column: generated.redundant.column, sameAs: generated.redundant.sameAs })]);
    expect(report.graph.nodes.some((node) => node.label?.startsWith(generated.redundant.column))).toBe(false);
  });

  it('keeps the proposal readable: at most 36 points rules, none worth a single point', async () => {
    const { report } = await calibrated();
    const points = report.graph.nodes.flatMap((node) => (node.kind === 'points' ? [node.points] : []));
    expect(points.length).toBeLessThanOrEqual(36);
    for (const value of points) expect(Math.abs(value)).toBeGreaterThanOrEqual(2);
  });

  it('scores within 0.02 AUC of a plain logistic regression on the same split', async () => {
    const { generated, report } = await calibrated();
    const plain = plainLogisticAuc(generated);
    console.log(`base rate ${baseRate}: hold-out AUC predictive ${report.predictive.auc.toFixed(3)}, points ${report.points.auc.toFixed(3)}, plain logistic regression ${plain.toFixed(3)}; recommended ${report.recommendation.score} ≥ ${report.recommendation.threshold} sends ${(report.recommendation.share * 100).toFixed(1)} % at ${(report.recommendation.conversion * 100).toFixed(1)} % conversion, recall ${(report.recommendation.recall * 100).toFixed(1)} %`);
    expect(report.predictive.auc).toBeGreaterThan(plain - 0.02);
  });

  it('reads the dates as dates, leaves the creation dates out of scoring with the reason, and warns that conversion drifts over time', async () => {
    const { generated, report } = await calibrated();
    for (const column of [generated.dates.compact, generated.dates.iso]) {
      expect(report.profile.find((profile) => profile.column === column)?.kind, column).toBe('date');
      expect(report.mappings.map((mapping) => mapping.column)).not.toContain(column);
      expect(report.ignored.find((ignored) => ignored.column === column)?.reason, column).toMatch(/creation date: a new lead is always 0 days old/);
    }
    expect(report.warnings.join(' ')).toMatch(/convert.*newest/);
  });

  it('turns the last-activity date into its age in days on the export\'s newest day, in readable bands, and recovers the sign of its planted recency effect', async () => {
    const { generated, report } = await calibrated();
    const column = generated.dates.activity;
    expect(report.mappings.find((mapping) => mapping.column === column)).toMatchObject({ kind: 'date', type: 'date', fact: 'lead.lastActivityDate' });
    // Ages count to the newest date of any date column (both ISO here), about the day the export was taken.
    const newest = generated.rows.flatMap((row) => [row[generated.dates.iso]!, row[column]!]).sort().at(-1);
    expect(report.ages).toEqual({ asOf: newest, reason: expect.stringContaining('newest date in the export'), columns: [column] });
    const bands = report.closeRates.columns.find((rates) => rates.column === column)!.levels;
    expect(bands.map((level) => level.label)).toContainEqual(expect.stringMatching(/^within \d+ days$/));
    expect(bands.at(-1)!.label).toMatch(/^more than \d+ days ago$/);
    // Recent activity converts more: the newest band closes above average, the oldest below.
    expect(Math.sign(bands[0]!.ratio - 1)).toBe(-Math.sign(generated.recencyPerDay));
    expect(Math.sign(bands.at(-1)!.ratio - 1)).toBe(Math.sign(generated.recencyPerDay));
    const terms = report.graph.predictive![0]!.terms.filter((term) => term.label?.startsWith(`${column}:`));
    const within = terms.find((term) => /within \d+ days$/.test(term.label ?? ''));
    const oldest = terms.find((term) => /more than \d+ days ago$/.test(term.label ?? ''));
    expect(Math.sign(within!.weight - oldest!.weight)).toBe(-Math.sign(generated.recencyPerDay));
    // Points rules on it say how long ago, in days, and give the recent band points.
    const rules = report.graph.nodes.filter((node) => node.kind === 'condition' && node.label?.startsWith(`${column}:`));
    expect(rules.length).toBeGreaterThan(0);
    const recent = report.graph.nodes.find((node) => node.kind === 'points' && /within \d+ days/.test(node.label ?? '') && node.label!.startsWith(column));
    expect(recent).toMatchObject({ points: expect.any(Number) });
    expect((recent as { points: number }).points).toBeGreaterThan(0);
  });

  it('never turns a calendar date into a linear term or a rule on a calendar value', async () => {
    const { report } = await calibrated();
    const dateFacts = new Set(report.mappings.filter((mapping) => mapping.kind === 'date').map((mapping) => mapping.fact));
    const leaves = JSON.stringify(report.graph, (key, value) => value);
    for (const fact of dateFacts) {
      const tested = [...leaves.matchAll(new RegExp(`"fact":"${fact}","operator":"(\\w+)"`, 'g'))].map((match) => match[1]);
      expect(tested.length).toBeGreaterThan(0);
      for (const operator of tested) expect(['withinDays', 'olderThanDays']).toContain(operator);
      expect(report.graph.predictive![0]!.terms.some((term) => term.kind === 'linear' && term.fact === fact)).toBe(false);
    }
  });

  it('recommends a threshold that sends between 5 % and 40 % of the hold-out leads to sales', async () => {
    const { report } = await calibrated();
    expect(report.recommendation.share).toBeGreaterThanOrEqual(0.05);
    expect(report.recommendation.share).toBeLessThanOrEqual(0.4);
    expect(report.recommendation.why).not.toBe('');
  });
});

/** Hold-out AUC of a logistic regression on the clean planted columns, on calibration's split. */
function plainLogisticAuc(generated: LabelledExport): number {
  const dataset = buildDataset(generated.clean, {
    outcome: { column: generated.outcome },
    columns: { 'Job Title': 'category', Industry: 'category', 'Lead Source': 'category', 'Pages Viewed': 'number', 'Days Since Last Visit': 'number', 'Days Since Last Activity': 'number' },
  });
  const split = stratifiedSplit(dataset.labels, { seed: SEED });
  const design = buildDesign(dataset, split.train);
  const model = fitLogistic(
    encodeRows(dataset, split.train, design),
    split.train.map((row) => dataset.labels[row] as number),
    design.features.length,
  );
  const scores = encodeRows(dataset, split.holdout, design).map((row) => logOdds(model, row));
  return rocAuc(scores, split.holdout.map((row) => dataset.labels[row] as number));
}

