/**
 * Calibration from history on a CRM export (issue: calibration from history). Reads the CSV,
 * proposes the column → attribute mapping, splits train / hold-out, flags and excludes leakage,
 * builds the points graph and fits the predictive score, backtests both through createScorer on
 * the hold-out, and prints what a quarterly review needs: leakage flags with reasons, hold-out
 * AUCs, conversion by score band, lift, the recommended threshold with its hold-out conversion
 * against the target, and how many leads it would send to sales.
 *
 *   node --import tsx scripts/calibrate.ts [csv] [--outcome Converted] [--sep ,] [--target 0.8]
 *     [--seed 42] [--holdout 0.3] [--exclude "A,B"] [--keep "C"] [--positive "yes,won"]
 *     [--missing ",Select"] [--graph proposed.json]
 *
 * Without a file it reads the X Education export beside the repository.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCsv } from '../api/csv/read-csv';
import type { BandConversion, LiftRow } from '../engine/calibration/metrics';
import { calibrateHistory, type CalibrationProgress, type ScoreBacktest } from '../rules/calibration/calibrate-history';

const USAGE =
  'usage: node --import tsx scripts/calibrate.ts [export.csv] [--outcome Converted] [--sep ,] [--target 0.8] [--seed 42] [--holdout 0.3] ' +
  '[--exclude "A,B"] [--keep "C"] [--positive "yes,won"] [--missing ",Select"] [--graph proposed.json]';
const OPTIONS = {
  outcome: { type: 'string', default: 'Converted' },
  sep: { type: 'string' },
  target: { type: 'string', default: '0.8' },
  seed: { type: 'string', default: '42' },
  holdout: { type: 'string', default: '0.3' },
  exclude: { type: 'string' },
  keep: { type: 'string' },
  positive: { type: 'string' },
  missing: { type: 'string' },
  graph: { type: 'string' },
} as const;
/** Width of the progress line last written to a terminal, to clear it. */
let lastLine = 0;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags, positionals } = readArguments();
const file = positionals[0] ?? path.resolve(repo, 'datasets/x-education-leads/leads.csv');
const list = (value: string | undefined) => value?.split(',').map((item) => item.trim());
const number = (name: string, value: string) => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) fail(`--${name} must be a number, got "${value}"`);
  return parsed;
};

const started = performance.now();
const table = await readCsv(file, { ...(flags.sep && { delimiter: flags.sep === '\\t' || flags.sep === 'tab' ? '\t' : flags.sep }) }).catch((err: Error) =>
  fail(`cannot read ${file}: ${err.message}`),
);
console.log(`${file}\n${table.rows.length} rows, ${table.columns.length} columns, "${table.delimiter === '\t' ? 'tab' : table.delimiter}" between fields` + (table.problems.length > 0 ? `, ${table.problems.length} malformed rows skipped (first: line ${table.problems[0]!.line}, ${table.problems[0]!.message})` : ''));

const report = await calibrateHistory(table.rows, {
  outcome: flags.outcome,
  target: number('target', flags.target),
  seed: number('seed', flags.seed),
  holdoutShare: number('holdout', flags.holdout),
  ...(flags.exclude && { exclude: list(flags.exclude) }),
  ...(flags.keep && { keep: list(flags.keep) }),
  ...(flags.positive && { positiveValues: list(flags.positive) }),
  ...(flags.missing !== undefined && { missingTokens: flags.missing.split(',') }),
  onProgress: showProgress,
}).catch((err: Error) => fail(err.message));
clearProgress();

section('Columns → lead attributes');
for (const mapping of report.mappings) {
  const profile = report.profile.find((p) => p.column === mapping.column)!;
  console.log(`  ${mapping.column} → ${mapping.fact} (${mapping.type}${mapping.declared ? ', declared by the model' : ', catalogue'}; ${pct(profile.missingShare)} missing)`);
}
for (const { column, reason } of report.ignored) console.log(`  ${column}: left out — ${reason}`);
console.log(`  ${report.train} training leads, ${report.holdout} hold-out leads (seed ${flags.seed}), overall close rate ${pct(report.overallRate)}` + (report.dropped > 0 ? `; ${report.dropped} rows without a recognised outcome dropped` : ''));

section('Leakage check');
for (const column of report.leakage.columns.filter((c) => c.flagged)) {
  console.log(`  FLAGGED ${column.column}${report.excluded.includes(column.column) ? ' (excluded)' : ' (kept by request)'}`);
  for (const reason of column.reasons) console.log(`    - ${reason}`);
}
for (const column of report.leakage.columns.filter((c) => !c.flagged && c.warnings.length > 0)) {
  console.log(`  note on ${column.column} (kept):`);
  for (const warning of column.warnings) console.log(`    - ${warning}`);
}
const strongest = [...report.leakage.columns].filter((c) => !c.flagged).sort((a, b) => b.informationValue - a.informationValue).slice(0, 5);
console.log(`  strongest kept columns: ${strongest.map((c) => `${c.column} (IV ${c.informationValue.toFixed(2)}, AUC ${c.holdoutAuc.toFixed(3)})`).join('; ')}`);

section('Models');
const points = report.graph.nodes.filter((node) => node.kind === 'points').length;
console.log(`  points model: ${points} rules on ${report.graph.attributes?.length ?? 0} declared and ${report.mappings.filter((m) => !m.declared).length} catalogue attributes, ${report.graph.nodes.length} nodes`);
console.log(`  predictive score: ${report.fit.features} features, ${report.fit.converged ? 'converged' : 'NOT converged'} in ${report.fit.iterations} Newton iterations, log-loss ${report.fit.loss.toFixed(4)}`);
if (report.issues.length > 0) console.log(`  graph warnings: ${report.issues.map((issue) => issue.message).join('; ')}`);

const target = number('target', flags.target);
for (const [title, backtest] of [
  ['Points model (close-rate points)', report.points],
  ['Predictive score (0–100)', report.predictive],
] as const) {
  section(`${title}: hold-out`);
  printBacktest(backtest, target);
}

section('Recommendation');
const chosen = report.predictive;
console.log(
  `  hand leads to sales at predictive score ≥ ${chosen.threshold.threshold}: on the hold-out ${chosen.holdout.selected} of ${report.holdout} leads (${pct(chosen.holdout.share)}) ` +
    `would go to sales and ${pct(chosen.holdout.precision)} of them converted (target ${pct(target)}, ${signedPoints(chosen.holdout.precision - target)}); ` +
    `they hold ${pct(chosen.holdout.recall)} of all conversions.`,
);
console.log(`  took ${((performance.now() - started) / 1000).toFixed(1)} s (${Object.entries(report.timings).map(([step, ms]) => `${step} ${Math.round(ms!)} ms`).join(', ')})`);

if (flags.graph) {
  await writeFile(flags.graph, `${JSON.stringify(report.graph, null, 2)}\n`);
  console.log(`  proposed graph written to ${flags.graph}`);
}

function printBacktest(backtest: ScoreBacktest, target: number): void {
  console.log(`  ROC AUC ${backtest.auc.toFixed(3)}`);
  console.log('  conversion by score band:');
  for (const band of backtest.bands) console.log(`    ${bandRow(band)}`);
  console.log('  lift by decile (1 = top 10 %):');
  console.log(`    ${backtest.lift.map((row: LiftRow) => `${row.group}: ${row.lift.toFixed(2)}×`).join('  ')}`);
  const top = backtest.lift[1];
  if (top) console.log(`    top 20 % of leads: ${pct(top.cumulativeRate)} convert (${top.cumulativeLift.toFixed(2)}× average), ${pct(top.capture)} of all conversions`);
  const t = backtest.threshold;
  console.log(
    `  threshold ≥ ${t.threshold} (chosen on the training leads for ${pct(target)}${t.reached ? '' : ', NOT reached there'}: ${pct(t.conversion)} of ${t.leads}); ` +
      `on the hold-out: ${backtest.holdout.selected} leads to sales (${pct(backtest.holdout.share)}), conversion ${pct(backtest.holdout.precision)} (${signedPoints(backtest.holdout.precision - target)} vs target), ` +
      `precision ${pct(backtest.holdout.precision)}, recall ${pct(backtest.holdout.recall)}`,
  );
}

function bandRow(band: BandConversion): string {
  const bar = '#'.repeat(Math.round(band.rate * 30));
  return `${band.label.padEnd(22)} ${String(band.leads).padStart(5)} leads  ${pct(band.rate).padStart(6)}  ${bar}`;
}

function readArguments() {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (err) {
    return fail(`${(err as Error).message}\n${USAGE}`);
  }
}

function section(title: string): void {
  console.log(`\n${title}`);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

function signedPoints(delta: number): string {
  const points = delta * 100;
  return `${points >= 0 ? '+' : ''}${points.toFixed(1)} points`;
}

function showProgress({ step, done, total, message }: CalibrationProgress): void {
  const line = `[${step}] ${total > 1 ? `${Math.round((100 * done) / total)} % ` : ''}${message}`;
  if (process.stderr.isTTY) {
    process.stderr.write(`\r${line.padEnd(lastLine)}`);
    lastLine = line.length;
  } else if (done === total || step !== 'score' || done % 2000 < 500) process.stderr.write(`${line}\n`);
}

function clearProgress(): void {
  if (process.stderr.isTTY && lastLine > 0) process.stderr.write(`\r${' '.repeat(lastLine)}\r`);
}

function fail(message: string): never {
  clearProgress();
  console.error(`calibrate: ${message}`);
  process.exit(1);
}
