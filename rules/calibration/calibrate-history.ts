/**
 * Calibration from history, end to end (DOMAIN.md): rows of a CRM export with a known outcome in,
 * a proposed model and its backtest out. The steps: read the outcome (outcome.ts), profile the
 * columns (dates recognised, spellings folded) and map them to lead attributes; split train /
 * hold-out (seeded, stratified); flag and exclude columns that look like leakage, outcome aliases
 * named as such; leave out columns that repeat another; warn when conversion drifts along a date;
 * build the close-rate table and the points graph from the training leads; fit the predictive
 * score; score every lead through `createScorer`, the live scoring entry point; pick each score's
 * threshold on the training leads for the target (by default one that suits the base rate,
 * sending 5–40 % of leads); measure both on the hold-out, which nothing was fitted or chosen on;
 * and recommend the threshold of the score that ranked the hold-out better.
 *
 * Everything here is pure and deterministic: the API and the CLI do the reading and printing.
 */
import { closeRates, type CloseRateTable } from '../../engine/calibration/close-rates';
import { buildDataset, newestDate, type ColumnKind, type Dataset } from '../../engine/calibration/dataset';
import { buildDesign, encodeRows } from '../../engine/calibration/design-matrix';
import { dateDrift, type DateDrift } from '../../engine/calibration/date-drift';
import { redundantColumns, type Redundancy } from '../../engine/calibration/redundancy';
import { detectLeakage, outcomeAliases, type LeakageOptions, type LeakageReport } from '../../engine/calibration/leakage';
import { fitLogistic } from '../../engine/calibration/logistic-regression';
import { atThreshold, conversionByBand, liftTable, quantileEdges, rocAuc, type BandConversion, type LiftRow, type ThresholdOutcome } from '../../engine/calibration/metrics';
import { readOutcomes, type OutcomeSpec, type OutcomeWords } from '../../engine/calibration/outcome';
import { DEFAULT_MISSING_TOKENS, missingTest, profileColumns, type ColumnProfile } from '../../engine/calibration/profile-columns';
import { scoreAsDecided } from '../../engine/calibration/leadflow-history';
import { scoreLeads } from '../../engine/calibration/score-leads';
import { stratifiedSplit } from '../../engine/calibration/split';
import { defaultTarget, recommendThreshold, type ThresholdRecommendation } from '../../engine/calibration/threshold';
import { assignOwner } from '../../engine/assign-owner';
import { lifecycleModel, type LeadInput } from '../../engine/lifecycle/lifecycle';
import { isoDay, parseDate } from '../../engine/date-value';
import { createScorer } from '../../engine/score-event';
import { thresholdScore, thresholdsFor, type Scores } from '../../engine/score-state';
import type { CompiledModel, FactValue } from '../../engine/types';
import { compileGraph } from '../compile-graph';
import type { RuleGraphInput } from '../graph.schema';
import { validateGraph, type GraphIssue } from '../validate-graph';
import { leadAttributeReader, proposeMapping, type ColumnMapping } from './map-columns';
import { CLOSE_RATE_SCORE, PREDICTIVE_SCORE, proposeGraph } from './propose-graph';

export interface CalibrationOptions {
  /** The outcome column. */
  outcome: string;
  /** Outcome values meaning converted; every other filled-in value then means not (outcome.ts). */
  positive?: readonly string[];
  /** A filled-in outcome cell means converted, an empty one not. */
  positiveIfPresent?: boolean;
  /** How the caller names those options, for its error messages (`--positive VALUE…`, `positive=`). */
  words?: OutcomeWords;
  /** Values meaning "not filled in" (default: blank, Select, NA, N/A, null, NaN). */
  missingTokens?: readonly string[];
  /** The user's column types over the proposed ones; 'ignore' leaves a column out. */
  types?: Readonly<Record<string, ColumnKind | 'ignore'>>;
  /** Columns the user leaves out. */
  exclude?: readonly string[];
  /** Flagged columns the user keeps all the same. */
  keep?: readonly string[];
  holdoutShare?: number;
  seed?: number;
  /** Conversion the leads above the threshold should reach (default: `defaultTarget` of the base rate). */
  target?: number;
  pointsPerRatio?: number;
  l2?: number;
  leakage?: LeakageOptions;
  name?: string;
  /** Another model (the live version) to backtest on the same hold-out leads, beside the proposal. */
  compare?: CompareWith;
  /**
   * The day (yyyy-mm-dd) date columns' ages count to (default: the newest date in the export,
   * about the day it was taken).
   */
  asOf?: string;
  onProgress?: (progress: CalibrationProgress) => void;
}

/**
 * The model to backtest beside the proposal. With `logs`, a hold-out lead whose row names it (in
 * `logs.column`) and whose input log is there is scored as the model really scores a lead: the
 * log replayed through the lifecycle core up to its outcome (`scoreAsDecided`), behaviour
 * included; any other lead from its attributes alone, as the proposal is.
 */
export interface CompareWith {
  model: CompiledModel;
  name: string;
  version?: number;
  logs?: { column: string; inputs: ReadonlyMap<string, readonly LeadInput[]> };
}

export type CalibrationStep = 'profile' | 'split' | 'leakage' | 'close-rates' | 'fit' | 'graph' | 'score' | 'backtest';

export interface CalibrationProgress {
  step: CalibrationStep;
  done: number;
  /** 0 when the step cannot know its length ahead (the fit's iterations). */
  total: number;
  message: string;
}

export interface ScoreBacktest {
  score: string;
  /** Hold-out ROC AUC. */
  auc: number;
  /** Hold-out conversion by score band. */
  bands: BandConversion[];
  /** Hold-out lift by decile. */
  lift: LiftRow[];
  /** The threshold chosen on the training leads… */
  threshold: ThresholdRecommendation;
  /** …and what it does on the hold-out: leads sent to sales, their conversion (precision), recall. */
  holdout: ThresholdOutcome;
  /** Other thresholds to choose from: the training score that sends each share, and what it does on the hold-out. */
  curve: ThresholdOutcome[];
}

/**
 * Another model (the live version) backtested on the same hold-out leads as the proposal, at its
 * own threshold: each lead replayed from its input log when there is one (`CompareWith`), from
 * its attributes as one CRM sync otherwise.
 */
export interface ComparedBacktest {
  name: string;
  /** Hold-out leads scored by replaying their input logs up to their outcome, and those scored from attributes alone. */
  replayed: number;
  fromAttributes: number;
  /** The scores its sales-ready threshold sums ('total': all), and that threshold (null: it has none). */
  scores: string[] | 'total';
  threshold: number | null;
  /** Hold-out ROC AUC of that score. */
  auc: number;
  /** What its threshold does on the hold-out (null without one). */
  holdout: ThresholdOutcome | null;
}

/** The threshold to hand leads to sales at, on the score that won the backtest, measured on the hold-out. */
export interface Recommendation {
  score: string;
  threshold: number;
  target: number;
  /** Why this target: the user's, or the default for the base rate. */
  targetReason: string;
  /** Reached on the training leads, where the threshold was chosen. */
  reached: boolean;
  bounded?: ThresholdRecommendation['bounded'];
  /** With `bounded: 'tied'`: the score many training leads share, which no threshold can split. */
  tie?: ThresholdRecommendation['tie'];
  holdoutLeads: number;
  /** Hold-out leads at or above the threshold: they would go to sales. */
  sent: number;
  share: number;
  /** Their conversion (precision) and the share of all conversions among them (recall). */
  conversion: number;
  recall: number;
  /** The choice in words: which score and why, which target and why, any bound applied. */
  why: string;
}

export interface CalibrationReport {
  /** Input rows, and those dropped for an unrecognised outcome. */
  rows: number;
  dropped: number;
  train: number;
  holdout: number;
  /** Close rate of the training leads. */
  overallRate: number;
  profile: ColumnProfile[];
  /**
   * How date columns were read: their age in days on `asOf` (and why that day), in bands; a
   * creation date is left out (in `ignored`, with the reason). Absent without date columns.
   */
  ages?: { asOf: string; reason: string; columns: string[] };
  /** Things the user should know that change no number: conversion drifting over time. */
  warnings: string[];
  drift: DateDrift[];
  mappings: ColumnMapping[];
  ignored: Array<{ column: string; reason: string }>;
  leakage: LeakageReport;
  /** Columns left out of both models because the leakage check flagged them. */
  excluded: string[];
  /** Columns left out of both models because another column says the same. */
  redundant: Redundancy[];
  closeRates: CloseRateTable;
  /** The proposed model, threshold included; valid and compiled. */
  graph: RuleGraphInput;
  /** The graph's warnings (it has no errors). */
  issues: GraphIssue[];
  model: CompiledModel;
  fit: { features: number; iterations: number; converged: boolean; loss: number };
  points: ScoreBacktest;
  predictive: ScoreBacktest;
  recommendation: Recommendation;
  /** The model of `options.compare` on the same hold-out leads. */
  compared?: ComparedBacktest;
  /** Milliseconds per step. */
  timings: Partial<Record<CalibrationStep, number>>;
}

/**
 * Runs the calibration on `rows` (one object per CSV row, header → cell).
 * @throws Error from buildDataset when the outcome column is missing or unreadable; Error when
 *   no usable column is left, or (a bug) when the proposed graph does not compile.
 */
export async function calibrateHistory(rows: readonly Record<string, string>[], options: CalibrationOptions): Promise<CalibrationReport> {
  const progress = (step: CalibrationStep, done: number, total: number, message: string) => options.onProgress?.({ step, done, total, message });
  const timings: CalibrationReport['timings'] = {};
  const timed = async <T>(step: CalibrationStep, work: () => T | Promise<T>): Promise<T> => {
    const start = performance.now();
    const result = await work();
    timings[step] = (timings[step] ?? 0) + performance.now() - start;
    return result;
  };
  const missingTokens = options.missingTokens ?? DEFAULT_MISSING_TOKENS;

  const { profile, mappings, ignored, dataset, ages, future } = await timed('profile', () => {
    progress('profile', 0, 1, `profiling ${rows.length} rows`);
    const profile = profileColumns(rows, { missingTokens });
    const { mappings, ignored } = proposeMapping(profile, { outcome: options.outcome, ...(options.exclude && { exclude: options.exclude }), ...(options.types && { types: options.types }) });
    const asOf = agesCountTo(rows, profile, options, missingTokens);
    const dataset = buildDataset(rows, {
      ...(asOf && { asOf: asOf.day }),
      outcome: outcomeSpec(options),
      columns: Object.fromEntries(mappings.map((mapping) => [mapping.column, mapping.kind])),
      missingTokens,
      ...(options.words && { words: options.words }),
    });
    if (mappings.length === 0) throw new Error(`no column can be used for scoring: ${ignored.map(({ column, reason }) => `${column} (${reason})`).join('; ')}`);
    progress('profile', 1, 1, `${mappings.length} columns usable, ${ignored.length} left out`);
    const dated = mappings.filter((mapping) => mapping.kind === 'date').map((mapping) => mapping.column);
    const ages = asOf && dated.length > 0 ? { asOf: isoDay(asOf.day), reason: asOf.reason, columns: dated } : undefined;
    const future = ages ? datesAfter(rows, dated, (asOf as { day: number }).day, ages.asOf) : [];
    return { profile, mappings, ignored, dataset, ages, future };
  });
  // Leads are synced and scored on the day their ages count to, so rules on a date's age see the ages the model learned from.
  const scoredAt = ages && { at: `${ages.asOf}T00:00:00.000Z` };

  const split = await timed('split', () => splitOf(dataset.labels, options));
  progress('split', 1, 1, `${split.train.length} training leads, ${split.holdout.length} held out`);

  const leakage = await timed('leakage', () => {
    const measured = detectLeakage(dataset, split, options.leakage);
    const candidates = profile.map((p) => p.column).filter((column) => column !== options.outcome && !options.exclude?.includes(column));
    return withAliases(measured, outcomeAliases(rows, dataset, candidates, missingTest(missingTokens)), candidates);
  });
  const excluded = leakage.flagged.filter((column) => !options.keep?.includes(column));
  const drift = profile.filter((p) => p.kind === 'date').flatMap((p) => dateDrift(rows, dataset, p.column) ?? []);
  progress('leakage', 1, 1, excluded.length > 0 ? `excluded as leakage: ${excluded.join(', ')}` : 'no leakage found');
  const unleaked: Dataset = { ...dataset, columns: dataset.columns.filter((column) => !excluded.includes(column.name)) };
  const { table, redundant } = await timed('close-rates', () => {
    const all = closeRates(unleaked, split.train);
    const informationValue = new Map(leakage.columns.map((column) => [column.column, column.informationValue]));
    const redundant = redundantColumns(unleaked, split.train, all, informationValue);
    // Levels are per column: the table without the redundant columns is the table of the rest.
    return { table: { ...all, columns: all.columns.filter((rates) => !redundant.some((r) => r.column === rates.column)) }, redundant };
  });
  const left = [...excluded, ...redundant.map((r) => r.column)];
  const kept: Dataset = { ...dataset, columns: dataset.columns.filter((column) => !left.includes(column.name)) };
  const keptMappings = mappings.filter((mapping) => !left.includes(mapping.column));
  if (kept.columns.length === 0) throw new Error(`every usable column was flagged as leakage (${excluded.join(', ')}): keep one to calibrate on it anyway`);

  progress('close-rates', 1, 1, `overall close rate ${(table.overallRate * 100).toFixed(1)} %`);

  const trainLabels = split.train.map((row) => dataset.labels[row] as number);
  const holdoutLabels = split.holdout.map((row) => dataset.labels[row] as number);
  const { design, fit } = await timed('fit', () => {
    const design = buildDesign(kept, split.train, { minLevelSupport: levelSupport(trainLabels) });
    const fit = fitLogistic(encodeRows(kept, split.train, design), trainLabels, design.features.length, {
      l2: options.l2 ?? 1,
      // Newton's method stops when it converges, usually within ten steps: the total is not known ahead (0).
      onProgress: ({ iteration, loss }) => progress('fit', iteration, 0, `Newton iteration ${iteration}, log-loss ${loss.toFixed(4)}`),
    });
    return { design, fit };
  });
  progress('fit', fit.iterations, fit.iterations, `${design.features.length} features, ${fit.converged ? 'converged' : 'not converged'} in ${fit.iterations} iterations`);

  const proposal = {
    ...(options.name !== undefined && { name: options.name }),
    table,
    mappings: keptMappings,
    predictive: { design, model: fit },
    spellings: spellingsOf(kept),
    ...(options.pointsPerRatio !== undefined && { pointsPerRatio: options.pointsPerRatio }),
  };
  const untuned = await timed('graph', () => compileGraph(proposeGraph(proposal)));
  const scorer = createScorer(untuned);
  const attributesOf = leadAttributeReader(dataset, keptMappings);
  const scoreRows = (rowsToScore: readonly number[], offset: number, total: number) =>
    scoreLeads(untuned, rowsToScore.map(attributesOf), {
      scorer,
      ...scoredAt,
      onProgress: (done) => progress('score', offset + done, total, `scored ${offset + done} of ${total} leads through createScorer`),
    });
  const total = split.train.length + split.holdout.length;
  const trainScores = await timed('score', () => scoreRows(split.train, 0, total));
  const holdoutScores = await timed('score', () => scoreRows(split.holdout, split.train.length, total));

  const target = options.target ?? defaultTarget(table.overallRate);
  const backtest = (score: string, edges: (scores: number[]) => number[]): ScoreBacktest => {
    const train = trainScores.map((scores) => scores[score] ?? 0);
    const holdout = holdoutScores.map((scores) => scores[score] ?? 0);
    const threshold = recommendThreshold(train, trainLabels, { target, ...SHARE_BOUNDS });
    return {
      score,
      auc: rocAuc(holdout, holdoutLabels),
      bands: conversionByBand(holdout, holdoutLabels, edges(train)),
      lift: liftTable(holdout, holdoutLabels),
      threshold,
      holdout: atThreshold(holdout, holdoutLabels, threshold.threshold),
      // Tied scores can make two shares one threshold: it is listed once.
      curve: [...new Set(CURVE_SHARES.map((share) => scoreSending(train, share)))].map((at) => atThreshold(holdout, holdoutLabels, at)),
    };
  };
  const { points, predictive } = await timed('backtest', () => ({
    // Points have no natural scale: their bands are the training leads' deciles.
    points: backtest(CLOSE_RATE_SCORE, (train) => quantileEdges(train, 10)),
    // Tens on the 0–100 scale, unless most leads would sit in one (a low base rate): then deciles.
    predictive: backtest(PREDICTIVE_SCORE, (train) => (crowded(train, TENS) ? quantileEdges(train, 10) : TENS)),
  }));
  progress('backtest', 1, 1, `hold-out AUC: points ${points.auc.toFixed(3)}, predictive ${predictive.auc.toFixed(3)}`);
  const recommendation = recommend(points, predictive, split.holdout.length, table.overallRate, options.target);
  const compare = options.compare;
  const compared =
    compare &&
    (await timed('backtest', () => {
      const attributesOf = leadAttributeReader(dataset, mappings);
      const leads = split.holdout.map((row) => {
        const leadId = compare.logs && rows[dataset.sourceRows[row] as number]?.[compare.logs.column];
        const inputs = leadId ? compare.logs?.inputs.get(leadId) : undefined;
        return { attributes: attributesOf(row), ...(leadId && inputs && inputs.length > 0 && { replay: { leadId, inputs } }) };
      });
      return backtestOther(compare, leads, holdoutLabels, scoredAt?.at);
    }));

  const { graph, model, issues } = await timed('graph', () => {
    const graph = proposeGraph({ ...proposal, threshold: { score: recommendation.score, value: recommendation.threshold } });
    const { issues } = validateGraph(graph);
    return { graph, model: compileGraph(graph), issues };
  });

  return {
    rows: rows.length,
    dropped: dataset.dropped,
    train: split.train.length,
    holdout: split.holdout.length,
    overallRate: table.overallRate,
    profile,
    ...(ages && { ages }),
    warnings: [...future, ...drift.map((d) => d.warning)],
    drift,
    mappings,
    ignored,
    leakage,
    excluded,
    redundant,
    closeRates: table,
    graph,
    issues,
    model,
    fit: { features: design.features.length, iterations: fit.iterations, converged: fit.converged, loss: fit.loss },
    points,
    predictive,
    recommendation,
    ...(compared && { compared }),
    timings,
  };
}

/**
 * `compare`'s model on the hold-out leads: replayed from their input logs where given, otherwise
 * from every mapped attribute (flagged ones too: the live model sees them).
 */
async function backtestOther(
  compare: CompareWith,
  leads: ReadonlyArray<{ attributes: Record<string, FactValue>; replay?: { leadId: string; inputs: readonly LeadInput[] } }>,
  labels: readonly number[],
  at: string | undefined,
): Promise<ComparedBacktest> {
  const threshold = thresholdsFor(compare.model.thresholds, undefined)[0];
  const scores = threshold?.scores ?? 'total';
  const scorer = createScorer(compare.model);
  // Round-robin owners change no score: the first in line, as a simulation shows them.
  const lifecycle = lifecycleModel(compare.version ?? 0, compare.model, scorer, (route, handoffId) => assignOwner(route, 0, handoffId));
  const fromAttributes = leads.flatMap((lead, index) => (lead.replay ? [] : [index]));
  const synced = await scoreLeads(compare.model, fromAttributes.map((index) => (leads[index] as (typeof leads)[number]).attributes), { scorer, ...(at && { at }) });
  const byIndex = new Map<number, Scores>(fromAttributes.map((index, k) => [index, synced[k] as Scores]));
  const values: number[] = [];
  for (const [index, lead] of leads.entries()) {
    const leadScores = lead.replay ? await scoreAsDecided(lifecycle, lead.replay.leadId, lead.replay.inputs) : (byIndex.get(index) as Scores);
    values.push(thresholdScore(leadScores, { scores }));
  }
  return {
    name: compare.name,
    replayed: leads.length - fromAttributes.length,
    fromAttributes: fromAttributes.length,
    scores,
    threshold: threshold?.value ?? null,
    auc: rocAuc(values, labels),
    holdout: threshold ? atThreshold(values, labels, threshold.value) : null,
  };
}

/**
 * The day date columns' ages count to: the user's, or the newest date of any date column of the
 * export (a creation date's included): about the day the export was taken, when the newest leads
 * were 0 days old. Undefined without date columns.
 * @throws Error naming `asOf` when it is not a date.
 */
function agesCountTo(rows: readonly Record<string, string>[], profile: readonly ColumnProfile[], options: Pick<CalibrationOptions, 'asOf'>, missingTokens: readonly string[]): { day: number; reason: string } | undefined {
  if (options.asOf !== undefined) {
    const day = parseDate(options.asOf);
    if (day === undefined) throw new Error(`asOf: "${options.asOf}" is not a date; write it as 2024-03-31`);
    return { day, reason: 'the day you chose' };
  }
  const day = newestDate(rows, profile.filter((p) => p.kind === 'date').map((p) => p.column), missingTokens);
  return day === undefined ? undefined : { day, reason: 'the newest date in the export, about the day it was taken' };
}

/** A warning per date column with dates after `asOf` (only when the user chose an earlier day): they have no age there, and read as missing. */
function datesAfter(rows: readonly Record<string, string>[], columns: readonly string[], asOf: number, day: string): string[] {
  return columns.flatMap((column) => {
    const after = rows.filter((row) => (parseDate(row[column] ?? '') ?? -Infinity) > asOf).length;
    return after === 0 ? [] : [`"${column}": ${after} dates fall after ${day}, the day ages count to; they have no age then and are read as missing. Choose a later day (asOf) to score them.`];
  });
}

/** How the options say who converted. */
function outcomeSpec(options: Pick<CalibrationOptions, 'outcome' | 'positive' | 'positiveIfPresent'>): OutcomeSpec {
  return { column: options.outcome, ...(options.positive && { positive: options.positive }), ...(options.positiveIfPresent && { ifPresent: true }) };
}

/** The train / hold-out split of the labelled leads (indices among them). */
function splitOf(labels: ArrayLike<number>, options: Pick<CalibrationOptions, 'holdoutShare' | 'seed'>) {
  return stratifiedSplit(labels, { holdoutShare: options.holdoutShare ?? 0.3, seed: options.seed ?? 42 });
}

/**
 * The input rows (indices into `rows`) that `calibrateHistory` holds out with these options: the
 * same outcome reading and split, for a caller that fetches something for those leads only (the
 * input logs of a calibration from LeadFlow's history).
 * @throws OutcomeError when the outcome cannot be read; RangeError when an outcome has under two leads.
 */
export function holdoutRowsOf(
  rows: readonly Record<string, string>[],
  options: Pick<CalibrationOptions, 'outcome' | 'positive' | 'positiveIfPresent' | 'missingTokens' | 'holdoutShare' | 'seed' | 'words'>,
): number[] {
  const { labels } = readOutcomes(rows, outcomeSpec(options), { missingTokens: options.missingTokens ?? DEFAULT_MISSING_TOKENS, ...(options.words && { words: options.words }) });
  const kept = labels.flatMap((label, index) => (label === undefined ? [] : [index]));
  return splitOf(kept.map((index) => labels[index] as number), options).holdout.map((i) => kept[i] as number);
}

/** The recommended threshold sends at least 5 % and at most 40 % of the leads: fewer starves sales, more floods them. */
const SHARE_BOUNDS = { minShare: 0.05, maxShare: 0.4 } as const;
/** Shares of leads at which the report shows what a threshold would do. */
const CURVE_SHARES = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];
const TENS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90];

/**
 * The recommendation: on the score with the better hold-out AUC (never one that lost the
 * backtest), at its threshold chosen on the training leads.
 */
function recommend(points: ScoreBacktest, predictive: ScoreBacktest, holdoutLeads: number, baseRate: number, userTarget: number | undefined): Recommendation {
  const winner = points.auc > predictive.auc ? points : predictive;
  const loser = winner === points ? predictive : points;
  const name = (backtest: ScoreBacktest) => (backtest === points ? 'the points model' : 'the predictive score');
  const { threshold, holdout } = winner;
  const targetReason =
    userTarget !== undefined
      ? `the target of ${pct(userTarget)} you chose`
      : threshold.target < 0.8
        ? `a target of ${pct(threshold.target)}, three times the base rate of ${pct(baseRate)}: the usual 80 % is out of reach of a useful share of leads at that base rate (choose another target to change it)`
        : 'the usual target of 80 % (choose another target to change it)';
  const bound =
    threshold.bounded === 'min-share'
      ? ` The threshold for the target sent fewer than ${pct(SHARE_BOUNDS.minShare)} of the leads, so it was lowered to send at least that many.`
      : threshold.bounded === 'max-share'
        ? ` The threshold for the target sent more than ${pct(SHARE_BOUNDS.maxShare)} of the leads, so it was raised to send at most that many.`
        : threshold.bounded === 'tied' && threshold.tie
          ? ` No threshold sends between ${pct(SHARE_BOUNDS.minShare)} and ${pct(SHARE_BOUNDS.maxShare)} of the leads: ${threshold.tie.leads} training leads share the score ${threshold.tie.score}, and a threshold sends all of them or none, so the threshold that comes nearest is taken (it sends ${pct(threshold.share)}).`
          : '';
  return {
    score: winner.score,
    threshold: threshold.threshold,
    target: threshold.target,
    targetReason,
    reached: threshold.reached,
    ...(threshold.bounded && { bounded: threshold.bounded }),
    ...(threshold.tie && { tie: threshold.tie }),
    holdoutLeads,
    sent: holdout.selected,
    share: holdout.share,
    conversion: holdout.precision,
    recall: holdout.recall,
    why:
      `${name(winner)} ranked hold-out leads better (AUC ${winner.auc.toFixed(3)} against ${loser.auc.toFixed(3)} for ${name(loser)}); ` +
      `its threshold is chosen on the training leads for ${targetReason}.${bound}`,
  };
}

/** The lowest training score among the top `share` of training leads: at or above it, about that share goes to sales. */
function scoreSending(train: readonly number[], share: number): number {
  const sorted = [...train].sort((a, b) => b - a);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? 0;
}

/** True when more than half of `scores` fall in one of the bands starting at `edges`. */
function crowded(scores: readonly number[], edges: readonly number[]): boolean {
  const counts = new Array<number>(edges.length).fill(0);
  for (const score of scores) {
    let band = 0;
    while (band + 1 < edges.length && score >= (edges[band + 1] as number)) band++;
    counts[band]! += 1;
  }
  return Math.max(...counts) > scores.length / 2;
}

/** Flagged columns: the measured ones, and aliases of the outcome (named as such), in the export's column order. */
function withAliases(measured: LeakageReport, aliases: ReadonlyArray<{ column: string; reason: string }>, order: readonly string[]): LeakageReport {
  const columns = measured.columns.map((column) => {
    const alias = aliases.find((a) => a.column === column.column);
    return alias ? { ...column, flagged: true, reasons: [alias.reason, ...column.reasons] } : column;
  });
  for (const alias of aliases) {
    if (columns.some((column) => column.column === alias.column)) continue;
    columns.push({ column: alias.column, flagged: true, reasons: [alias.reason], warnings: [], informationValue: Number.NaN, holdoutAuc: Number.NaN, deterministicShare: Number.NaN, missingShare: Number.NaN });
  }
  columns.sort((a, b) => order.indexOf(a.column) - order.indexOf(b.column));
  return { columns, flagged: columns.filter((c) => c.flagged).map((c) => c.column) };
}

/**
 * Training leads a category value needs for a feature of its own: 20, or enough for about three
 * conversions (or non-conversions) at a lower base rate (150 at 2 %), so that rare free-text values
 * pool into "other values" instead of each getting a weight fitted on noise.
 */
function levelSupport(labels: readonly number[]): number {
  const rate = labels.reduce((sum, label) => sum + label, 0) / Math.max(1, labels.length);
  return Math.max(20, Math.ceil(3 / Math.max(Math.min(rate, 1 - rate), 1e-6)));
}

/** Per category column, its values written more than one way, with every spelling. */
function spellingsOf(dataset: Dataset): Map<string, ReadonlyMap<string, readonly string[]>> {
  return new Map(dataset.columns.flatMap((column) => (column.kind === 'category' && column.spellings && column.spellings.size > 0 ? [[column.name, column.spellings] as const] : [])));
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
}
