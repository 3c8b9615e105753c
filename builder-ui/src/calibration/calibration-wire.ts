/**
 * What the calibrations API takes and answers (api/features/calibrations), as the calibration
 * screen reads it. The report's body is rules/calibration's own CalibrationReport, less the
 * compiled model; nothing here imports server code.
 */
import type { CalibrationReport } from '../../../rules/calibration/calibrate-history';

export type CalibrationStatus = 'queued' | 'running' | 'done' | 'failed' | 'interrupted';

/** A column's mapping chosen by the user over the proposed one. */
export interface MappingOverride {
  column: string;
  kind?: 'number' | 'category' | 'date' | 'ignore';
  /** The lead attribute, without `lead.`. */
  attribute?: string;
}

export interface CalibrationSettings {
  outcome: string;
  positive: string[];
  positiveIfPresent?: boolean;
  seed: number;
  /** Absent: calibration chose the default for the base rate. */
  target?: number;
  holdout: number;
  exclude: string[];
  include: string[];
  mapping: MappingOverride[];
}

export type CalibrationResult = Omit<CalibrationReport, 'model'>;

export interface Calibration {
  calibrationId: string;
  status: CalibrationStatus;
  createdBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  rerunOf?: string;
  /** A calibration from LeadFlow's own history: the period, the live version compared, and how the leads' outcomes read. */
  source?: { kind: 'leadflow'; from: string; to: string; modelId: string; version: number; leads: number; converted: number; notConverted: number; unknown: number };
  file: {
    sha256: string;
    bytes: number;
    rows: number;
    columns: string[];
    delimiter: string;
    problems: Array<{ line: number; message: string }>;
    moreProblems: number;
  };
  settings: CalibrationSettings;
  progress: { step: string; percent: number; message: string };
  error?: string;
  drafts: Array<{ modelId: string; revision: number; savedBy: string; savedAt: string }>;
  /** Once done. */
  report?: CalibrationResult;
}

/** The answer to an upload or a re-run: the new calibration, with the address to poll. */
export type CalibrationStarted = Omit<Calibration, 'progress' | 'report'> & { progress: string };

export interface CalibrationUpload {
  outcome: string;
  positive?: string[];
  separator?: string;
  seed?: number;
  target?: number;
  holdout?: number;
  exclude?: string[];
  include?: string[];
}

/** A re-run's choices; what is left out stays as the earlier run had it. */
export type CalibrationChanges = Partial<Omit<CalibrationSettings, 'positive'>> & { positive?: string[] };

/** A calibration from LeadFlow's own history: leads first seen in [from, to). */
export interface HistoryCalibrationInput {
  from: string;
  to: string;
  modelId?: string;
}

export interface CalibrationDraftInput {
  modelId: string;
  name?: string;
  description?: string;
  /** An existing model's draft revision; absent, a new model is created. */
  revision?: number;
}

/** The query string of an upload: lists repeat their parameter (`?exclude=A&exclude=B`). */
export function uploadQuery(upload: CalibrationUpload): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(upload)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== '') search.append(name, String(item));
    }
  }
  return `?${search.toString()}`;
}
