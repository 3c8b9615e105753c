/**
 * Calibration from history on a CRM export (issue: calibration from history). Reads the CSV,
 * proposes the column → attribute mapping, splits train / hold-out, flags and excludes leakage,
 * builds the points graph and fits the predictive score, backtests both through createScorer on
 * the hold-out, and prints what a quarterly review needs: leakage flags with reasons, hold-out
 * AUCs, conversion by score band, lift, the recommended threshold with its hold-out conversion
 * against the target, and how many leads it would send to sales.
 *
 *   npm run calibrate -- --help
 *
 * Without a file it reads the X Education export beside the repository.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCsv } from '../api/csv/read-csv';
import type { BandConversion, LiftRow, ThresholdOutcome } from '../engine/calibration/metrics';
import { OutcomeError, type OutcomeWords } from '../engine/calibration/outcome';
import { parseDate } from '../engine/date-value';
import { calibrateHistory, type CalibrationProgress, type ScoreBacktest } from '../rules/calibration/calibrate-history';

const USAGE = `usage: npm run calibrate -- [export.csv] [options]

Proposes a scoring model from a CRM export of past leads whose outcome is known, and backtests it
on leads held out from the fit. Without a file it reads the X Education export in datasets/.

The outcome (which leads converted):
  --outcome COLUMN           the column that says it (default Converted). By default a yes/no column:
                             1/0, true/false, yes/no, y/n, won/lost
  --positive VALUE           a value of that column meaning converted; every other filled-in value
                             then means not converted. Repeat it, or separate values with commas:
                             --positive Qualified --positive "Closed Won"
  --positive-if-present      a filled-in cell means converted, an empty one not (an opportunity id)

Choices:
  --target SHARE             conversion the leads sent to sales should reach, e.g. 0.8 (default: 0.8,
                             or three times the base rate where that is lower; the report says which)
  --exclude "A,B"            columns to leave out
  --keep "C"                 columns flagged as leakage to use all the same
  --missing ",Select"        cell values that mean "not filled in" (default: blank, Select, NA, N/A, null, NaN)
  --sep ,                    the separator between fields (default: guessed; tab as "tab")
  --seed 42                  the seed of the train / hold-out split
  --holdout 0.3              the share of leads held out
  --as-of 2024-03-31         the day date columns' ages count to ("last activity within 30 days");
                             default: the newest date in the file, about the day it was exported

Output:
  --json                     print the whole report as JSON on standard output (progress stays on standard error)
  --graph FILE               write the proposed rule graph to FILE
  --help                     print this help`;
const OPTIONS = {
  outcome: { type: 'string', default: 'Converted' },
  sep: { type: 'string' },
  target: { type: 'string' },
  seed: { type: 'string', default: '42' },
  holdout: { type: 'string', default: '0.3' },
  'as-of': { type: 'string' },
  exclude: { type: 'string' },
  keep: { type: 'string' },
  positive: { type: 'string', multiple: true },
  'positive-if-present': { type: 'boolean' },
  missing: { type: 'string' },
  graph: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;
const OUTCOME_WORDS: OutcomeWords = { positive: '--positive VALUE', ifPresent: '--positive-if-present' };
/** Width of the progress line last written to a terminal, to clear it. */
let lastLine = 0;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags, positionals } = readArguments();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length > 1) fail(`give one export file, got ${positionals.length}: ${positionals.join(', ')} (a value with spaces needs quotes)`);
const json = flags.json === true;
/** The human-readable report; with --json, standard output carries the JSON alone. */
const say = (text: string) => {
  if (!json) console.log(text);
};
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
say(`${file}\n${table.rows.length} rows, ${table.columns.length} columns, "${table.delimiter === '\t' ? 'tab' : table.delimiter}" between fields` + (table.problems.length > 0 ? `, ${table.problems.length} malformed rows skipped (first: line ${table.problems[0]!.line}, ${table.problems[0]!.message})` : ''));

if (table.rows.length === 0) fail(`${file} has a header but no rows`);
for (const [flag, names] of [
  ['exclude', list(flags.exclude)],
  ['keep', list(flags.keep)],
] as const) {
  const unknown = names?.filter((name) => !table.columns.includes(name)) ?? [];
  if (unknown.length > 0) fail(`--${flag}: no column ${unknown.map((name) => `"${name}"`).join(', ')} in the file (columns: ${table.columns.join(', ')})`);
}
const positive = flags.positive?.flatMap((value) => list(value) ?? []).filter((value) => value !== '');
const target = flags.target === undefined ? undefined : number('target', flags.target);
if (target !== undefined && !(target > 0 && target < 1)) fail(`--target is a share of leads between 0 and 1, e.g. 0.8; got ${flags.target}`);
const holdout = number('holdout', flags.holdout);
if (flags['as-of'] !== undefined && parseDate(flags['as-of']) === undefined) fail(`--as-of is a day, e.g. 2024-03-31; got "${flags['as-of']}"`);
if (!(holdout >= 0.1 && holdout <= 0.5)) fail(`--holdout is the share of leads held out, between 0.1 and 0.5; got ${flags.holdout}`);

const { model: _compiled, ...report } = await calibrateHistory(table.rows, {
  outcome: flags.outcome,
  ...(positive && positive.length > 0 && { positive }),
  ...(flags['positive-if-present'] && { positiveIfPresent: true }),
  words: OUTCOME_WORDS,
  ...(target !== undefined && { target }),
  seed: number('seed', flags.seed),
  holdoutShare: holdout,
  ...(flags['as-of'] !== undefined && { asOf: flags['as-of'] }),
  ...(flags.exclude && { exclude: list(flags.exclude) }),
  ...(flags.keep && { keep: list(flags.keep) }),
  ...(flags.missing !== undefined && { missingTokens: flags.missing.split(',') }),
  onProgress: showProgress,
}).catch((err: Error) => {
  if (err instanceof OutcomeError && err.code === 'no-column') fail(`${err.message}: name the outcome column with --outcome COLUMN`);
  return fail(err.message);
});
clearProgress();
if (json) {
  const text = `${JSON.stringify({ file: { path: file, rows: table.rows.length, columns: table.columns, delimiter: table.delimiter, problems: table.problems }, ...report }, null, 2)}\n`;
  // Into a pipe, standard output is written asynchronously: exiting before it drains cut the report off at 64 KB.
  await new Promise<void>((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
  if (flags.graph) await writeFile(flags.graph, `${JSON.stringify(report.graph, null, 2)}\n`);
  process.exit(0);
}

section('Columns → lead attributes');
for (const mapping of report.mappings) {
  const profile = report.profile.find((p) => p.column === mapping.column)!;
  console.log(`  ${mapping.column} → ${mapping.fact} (${mapping.type}${mapping.declared ? ', declared by the model' : ', catalogue'}; ${pct(profile.missingShare)} missing)`);
}
if (report.ages) console.log(`  dates are scored by their age in days on ${report.ages.asOf} (${report.ages.reason}; choose another day with --as-of): ${report.ages.columns.join(', ')}`);
for (const { column, reason } of report.ignored) console.log(`  ${column}: left out — ${reason}`);
for (const { column, reason } of report.redundant) console.log(`  ${column}: left out — ${reason}`);
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
for (const warning of report.warnings) console.log(`  WARNING ${warning}`);
const strongest = [...report.leakage.columns].filter((c) => !c.flagged).sort((a, b) => b.informationValue - a.informationValue).slice(0, 5);
console.log(`  strongest kept columns: ${strongest.map((c) => `${c.column} (IV ${c.informationValue.toFixed(2)}, AUC ${c.holdoutAuc.toFixed(3)})`).join('; ')}`);

section('Models');
const points = report.graph.nodes.filter((node) => node.kind === 'points').length;
console.log(`  points model: ${points} rules on ${report.graph.attributes?.length ?? 0} declared and ${report.mappings.filter((m) => !m.declared).length} catalogue attributes, ${report.graph.nodes.length} nodes`);
console.log(`  predictive score: ${report.fit.features} features, ${report.fit.converged ? 'converged' : 'NOT converged'} in ${report.fit.iterations} Newton iterations, log-loss ${report.fit.loss.toFixed(4)}`);
if (report.issues.length > 0) console.log(`  graph warnings: ${report.issues.map((issue) => issue.message).join('; ')}`);

const rec = report.recommendation;
for (const [title, backtest] of [
  ['Points model (close-rate points)', report.points],
  ['Predictive score (0–100, 50 = the average lead)', report.predictive],
] as const) {
  section(`${title}: hold-out`);
  printBacktest(backtest, rec.target);
}

section('Recommendation');
const scoreName = rec.score === report.predictive.score ? 'predictive score' : 'close-rate points';
console.log(
  `  hand leads to sales at ${scoreName} ≥ ${rec.threshold}: on the hold-out ${rec.sent} of ${rec.holdoutLeads} leads (${pct(rec.share)}) ` +
    `would go to sales and ${pct(rec.conversion)} of them converted (target ${pct(rec.target)}, ${signedPoints(rec.conversion - rec.target)}); ` +
    `they hold ${pct(rec.recall)} of all conversions.`,
);
console.log(`  why: ${rec.why}`);
const curve = rec.score === report.predictive.score ? report.predictive.curve : report.points.curve;
console.log('  other thresholds (chosen on the training leads; measured on the hold-out) — choose one with --target:');
for (const row of curve) console.log(`    ${curveRow(row)}`);
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

function curveRow(row: ThresholdOutcome): string {
  return `≥ ${String(row.threshold).padEnd(6)} sends ${pct(row.share).padStart(7)} of leads, precision ${pct(row.precision).padStart(7)}, recall ${pct(row.recall).padStart(7)}`;
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
