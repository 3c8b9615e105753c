/**
 * One calibration, start to finish, on the text of an uploaded export: read it, run
 * `calibrateHistory` with the user's choices, apply their attribute names, and shape what the API
 * keeps and shows. Pure apart from its progress callback; the API runs it in a worker thread
 * (calibration.worker.ts) so that a fit never holds up other requests.
 */
import type { OutcomeWords } from '../../../engine/calibration/outcome';
import { calibrateHistory, type CalibrationReport, type CalibrationStep, type CompareWith } from '../../../rules/calibration/calibrate-history';
import { validateGraph } from '../../../rules/validate-graph';
import { parseCsv } from '../../csv/read-csv';
import type { CalibrationProgress, CalibrationSettings } from '../../db/calibrations.repository';
import { renameAttributes } from './rename-attributes';

export interface CalibrationJob {
  /** The CSV export. */
  text: string;
  delimiter: string;
  settings: CalibrationSettings;
  /**
   * A model to backtest on the same hold-out leads beside the proposal: the live version, for a
   * calibration from LeadFlow's own history, with the hold-out leads' input logs to replay.
   */
  compare?: CompareWith;
}

/** The report as the API keeps and shows it: the compiled model is left out (compile the graph to see it). */
export type CalibrationResult = Omit<CalibrationReport, 'model'>;

/** The outcome options as the API names them, for calibration's messages. */
export const API_OUTCOME_WORDS: OutcomeWords = { positive: 'positive (the values that mean converted)', ifPresent: 'positiveIfPresent=true' };

/** Share of the whole run each step takes, roughly as measured on X Education (scoring dominates). */
const STEP_WEIGHTS: ReadonlyArray<[CalibrationStep, number]> = [
  ['profile', 10],
  ['split', 2],
  ['leakage', 8],
  ['close-rates', 3],
  ['fit', 12],
  ['graph', 0],
  ['score', 60],
  ['backtest', 5],
];

export async function runCalibration(job: CalibrationJob, onProgress: (progress: CalibrationProgress) => void = () => {}): Promise<CalibrationResult> {
  const { settings } = job;
  onProgress({ step: 'read', percent: 0, message: 'reading the file' });
  const table = parseCsv(job.text, { delimiter: job.delimiter });
  const types = Object.fromEntries(settings.mapping.flatMap((m) => (m.kind ? [[m.column, m.kind]] : [])));
  const report = await calibrateHistory(table.rows, {
    outcome: settings.outcome,
    positive: settings.positive,
    ...(settings.positiveIfPresent && { positiveIfPresent: true }),
    words: API_OUTCOME_WORDS,
    seed: settings.seed,
    ...(settings.target !== undefined && { target: settings.target }),
    holdoutShare: settings.holdout,
    ...(settings.asOf !== undefined && { asOf: settings.asOf }),
    exclude: settings.exclude,
    keep: settings.include,
    types,
    ...(job.compare && { compare: job.compare }),
    onProgress: ({ step, done, total, message }) => onProgress({ step, percent: percentOf(step, done, total), message }),
  });
  const names = new Map(settings.mapping.flatMap((m) => (m.attribute ? [[m.column, m.attribute]] : [])));
  const { graph, mappings } = renameAttributes(report.graph, report.mappings, names);
  const { model: _compiled, ...rest } = report;
  onProgress({ step: 'done', percent: 100, message: `hold-out AUC: points ${report.points.auc.toFixed(3)}, predictive ${report.predictive.auc.toFixed(3)}` });
  return { ...rest, mappings, graph, issues: names.size > 0 ? validateGraph(graph).issues : report.issues };
}

/** Percent of the whole run at `done` of `total` in `step`; a step of unknown length (total 0) creeps towards its end. */
export function percentOf(step: string, done: number, total: number): number {
  let before = 0;
  for (const [name, weight] of STEP_WEIGHTS) {
    if (name === step) {
      const fraction = total > 0 ? Math.min(1, done / total) : Math.min(0.9, done / 10);
      return Math.min(99, Math.round(before + weight * fraction));
    }
    before += weight;
  }
  return 0;
}
