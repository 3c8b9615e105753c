/**
 * Calibration from history, end to end (DOMAIN.md): rows of a CRM export with a known outcome in,
 * a proposed model and its backtest out. The steps: profile the columns and map them to lead
 * attributes; split train / hold-out (seeded, stratified); flag and exclude columns that look
 * like leakage; build the close-rate table and the points graph from the training leads; fit the
 * predictive score; score every lead through `createScorer`, the live scoring entry point; pick
 * the threshold on the training leads that reaches the target conversion; and measure both
 * scores and that threshold on the hold-out, which nothing was fitted or chosen on.
 *
 * Everything here is pure and deterministic: the API and the CLI do the reading and printing.
 */
import { closeRates, type CloseRateTable } from '../../engine/calibration/close-rates';
import { buildDataset, type ColumnKind, type Dataset } from '../../engine/calibration/dataset';
import { buildDesign, encodeRows } from '../../engine/calibration/design-matrix';
import { detectLeakage, type LeakageOptions, type LeakageReport } from '../../engine/calibration/leakage';
import { fitLogistic } from '../../engine/calibration/logistic-regression';
import { atThreshold, conversionByBand, liftTable, quantileEdges, rocAuc, type BandConversion, type LiftRow, type ThresholdOutcome } from '../../engine/calibration/metrics';
import { DEFAULT_MISSING_TOKENS, profileColumns, type ColumnProfile } from '../../engine/calibration/profile-columns';
import { scoreLeads } from '../../engine/calibration/score-leads';
import { stratifiedSplit } from '../../engine/calibration/split';
import { recommendThreshold, type ThresholdRecommendation } from '../../engine/calibration/threshold';
import { createScorer } from '../../engine/score-event';
import type { CompiledModel } from '../../engine/types';
import { compileGraph } from '../compile-graph';
import type { RuleGraphInput } from '../graph.schema';
import { validateGraph, type GraphIssue } from '../validate-graph';
import { leadAttributeReader, proposeMapping, type ColumnMapping } from './map-columns';
import { CLOSE_RATE_SCORE, PREDICTIVE_SCORE, proposeGraph } from './propose-graph';

export interface CalibrationOptions {
  /** The outcome column. */
  outcome: string;
  positiveValues?: readonly string[];
  negativeValues?: readonly string[];
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
  /** Conversion the leads above the threshold should reach (default 0.8). */
  target?: number;
  pointsPerRatio?: number;
  l2?: number;
  leakage?: LeakageOptions;
  name?: string;
  onProgress?: (progress: CalibrationProgress) => void;
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
  mappings: ColumnMapping[];
  ignored: Array<{ column: string; reason: string }>;
  leakage: LeakageReport;
  /** Columns left out of both models because the leakage check flagged them. */
  excluded: string[];
  closeRates: CloseRateTable;
  /** The proposed model, threshold included; valid and compiled. */
  graph: RuleGraphInput;
  /** The graph's warnings (it has no errors). */
  issues: GraphIssue[];
  model: CompiledModel;
  fit: { features: number; iterations: number; converged: boolean; loss: number };
  points: ScoreBacktest;
  predictive: ScoreBacktest;
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

  const { profile, mappings, ignored, dataset } = await timed('profile', () => {
    progress('profile', 0, 1, `profiling ${rows.length} rows`);
    const profile = profileColumns(rows, { missingTokens });
    const { mappings, ignored } = proposeMapping(profile, { outcome: options.outcome, ...(options.exclude && { exclude: options.exclude }), ...(options.types && { types: options.types }) });
    if (mappings.length === 0) throw new Error('calibrateHistory: no column is usable for scoring');
    const dataset = buildDataset(rows, {
      outcome: options.outcome,
      columns: Object.fromEntries(mappings.map((mapping) => [mapping.column, mapping.kind])),
      missingTokens,
      ...(options.positiveValues && { positiveValues: options.positiveValues }),
      ...(options.negativeValues && { negativeValues: options.negativeValues }),
    });
    progress('profile', 1, 1, `${mappings.length} columns usable, ${ignored.length} left out`);
    return { profile, mappings, ignored, dataset };
  });

  const split = await timed('split', () => stratifiedSplit(dataset.labels, { holdoutShare: options.holdoutShare ?? 0.3, seed: options.seed ?? 42 }));
  progress('split', 1, 1, `${split.train.length} training leads, ${split.holdout.length} held out`);

  const leakage = await timed('leakage', () => detectLeakage(dataset, split, options.leakage));
  const excluded = leakage.flagged.filter((column) => !options.keep?.includes(column));
  progress('leakage', 1, 1, excluded.length > 0 ? `excluded as leakage: ${excluded.join(', ')}` : 'no leakage found');
  const kept: Dataset = { ...dataset, columns: dataset.columns.filter((column) => !excluded.includes(column.name)) };
  const keptMappings = mappings.filter((mapping) => !excluded.includes(mapping.column));
  if (kept.columns.length === 0) throw new Error('calibrateHistory: every usable column was flagged as leakage');

  const table = await timed('close-rates', () => closeRates(kept, split.train));
  progress('close-rates', 1, 1, `overall close rate ${(table.overallRate * 100).toFixed(1)} %`);

  const trainLabels = split.train.map((row) => dataset.labels[row] as number);
  const holdoutLabels = split.holdout.map((row) => dataset.labels[row] as number);
  const { design, fit } = await timed('fit', () => {
    const design = buildDesign(kept, split.train);
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
    ...(options.pointsPerRatio !== undefined && { pointsPerRatio: options.pointsPerRatio }),
  };
  const untuned = await timed('graph', () => compileGraph(proposeGraph(proposal)));
  const scorer = createScorer(untuned);
  const attributesOf = leadAttributeReader(dataset, keptMappings);
  const scoreRows = (rowsToScore: readonly number[], offset: number, total: number) =>
    scoreLeads(untuned, rowsToScore.map(attributesOf), {
      scorer,
      onProgress: (done) => progress('score', offset + done, total, `scored ${offset + done} of ${total} leads through createScorer`),
    });
  const total = split.train.length + split.holdout.length;
  const trainScores = await timed('score', () => scoreRows(split.train, 0, total));
  const holdoutScores = await timed('score', () => scoreRows(split.holdout, split.train.length, total));

  const target = options.target ?? 0.8;
  const backtest = (score: string, edges: (scores: number[]) => number[]): ScoreBacktest => {
    const train = trainScores.map((scores) => scores[score] ?? 0);
    const holdout = holdoutScores.map((scores) => scores[score] ?? 0);
    const threshold = recommendThreshold(train, trainLabels, { target });
    return {
      score,
      auc: rocAuc(holdout, holdoutLabels),
      bands: conversionByBand(holdout, holdoutLabels, edges(train)),
      lift: liftTable(holdout, holdoutLabels),
      threshold,
      holdout: atThreshold(holdout, holdoutLabels, threshold.threshold),
    };
  };
  const { points, predictive } = await timed('backtest', () => ({
    // Points have no natural scale: their bands are the training leads' deciles.
    points: backtest(CLOSE_RATE_SCORE, (train) => quantileEdges(train, 10)),
    predictive: backtest(PREDICTIVE_SCORE, () => [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]),
  }));
  progress('backtest', 1, 1, `hold-out AUC: points ${points.auc.toFixed(3)}, predictive ${predictive.auc.toFixed(3)}`);

  const { graph, model, issues } = await timed('graph', () => {
    const graph = proposeGraph({ ...proposal, threshold: { score: PREDICTIVE_SCORE, value: predictive.threshold.threshold } });
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
    mappings,
    ignored,
    leakage,
    excluded,
    closeRates: table,
    graph,
    issues,
    model,
    fit: { features: design.features.length, iterations: fit.iterations, converged: fit.converged, loss: fit.loss },
    points,
    predictive,
    timings,
  };
}
