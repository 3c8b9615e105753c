/**
 * Calibrations from history: each run's options, progress and report, and the CSV files they
 * read (gzipped, one per content hash), so that a re-run with other choices needs no re-upload.
 *
 * The report is kept as its JSON text: it is only ever read whole, and its values come from the
 * user's file (column names, category values), which are no business of the database's key rules.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import { modelFor } from './connect';

export type CalibrationStatus = 'queued' | 'running' | 'done' | 'failed' | 'interrupted';

/** A column's mapping chosen by the user, over the proposed one. */
export interface MappingOverride {
  column: string;
  /** Read the column as numbers or categories, or leave it out. */
  kind?: 'number' | 'category' | 'date' | 'ignore';
  /** The lead attribute it becomes (without `lead.`): a catalogue one, or one the model declares. */
  attribute?: string;
}

export interface CalibrationSettings {
  outcome: string;
  /** Outcome values meaning "converted"; every other filled-in value then means "not". */
  positive: string[];
  /** A filled-in outcome cell means converted, an empty one not. */
  positiveIfPresent?: boolean;
  seed: number;
  /** Absent: the default for the base rate (calibration's `defaultTarget`). */
  target?: number;
  holdout: number;
  /** The day (yyyy-mm-dd) date columns' ages count to; absent: the newest date in the file. */
  asOf?: string;
  /** Columns left out by the user. */
  exclude: string[];
  /** Columns flagged as leakage that the user keeps all the same. */
  include: string[];
  mapping: MappingOverride[];
}

export interface CalibrationProgress {
  step: string;
  /** 0–100 over the whole run. */
  percent: number;
  message: string;
}

export interface CalibrationFileInfo {
  sha256: string;
  bytes: number;
  /** Rows read, and rows skipped as malformed (the first few with their line). */
  rows: number;
  columns: string[];
  delimiter: string;
  problems: Array<{ line: number; message: string }>;
  moreProblems: number;
}

/** A calibration from LeadFlow's own history: the period, the live version it is compared with, and how the leads' outcomes read. */
export interface LeadflowSource {
  kind: 'leadflow';
  from: string;
  to: string;
  modelId: string;
  version: number;
  leads: number;
  converted: number;
  notConverted: number;
  /** Leads nobody has said anything of yet: left out. */
  unknown: number;
}

export interface CalibrationRecord {
  calibrationId: string;
  status: CalibrationStatus;
  createdBy: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  /** The calibration whose file and choices this one started from. */
  rerunOf?: string;
  /** Absent for an uploaded export. */
  source?: LeadflowSource;
  file: CalibrationFileInfo;
  settings: CalibrationSettings;
  progress: CalibrationProgress;
  /** The report as JSON text (see the module comment); set when done. */
  reportJson?: string;
  error?: string;
  /** Models whose draft was saved from this calibration. */
  drafts: Array<{ modelId: string; revision: number; savedBy: string; savedAt: Date }>;
}

export type CalibrationSummary = Omit<CalibrationRecord, 'reportJson'>;

export interface CalibrationFile {
  sha256: string;
  gzip: Buffer;
  bytes: number;
  createdAt: Date;
}

const calibrationSchema = new Schema<CalibrationRecord>(
  {
    calibrationId: { type: String, required: true, unique: true },
    status: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true, index: true },
    startedAt: Date,
    finishedAt: Date,
    rerunOf: String,
    source: {
      type: new Schema({ kind: String, from: String, to: String, modelId: String, version: Number, leads: Number, converted: Number, notConverted: Number, unknown: Number }, { _id: false }),
      default: undefined,
    },
    file: {
      _id: false,
      sha256: String,
      bytes: Number,
      rows: Number,
      columns: [String],
      delimiter: String,
      problems: [{ _id: false, line: Number, message: String }],
      moreProblems: Number,
    },
    settings: {
      _id: false,
      outcome: String,
      positive: [String],
      positiveIfPresent: Boolean,
      seed: Number,
      target: Number,
      holdout: Number,
      asOf: String,
      exclude: [String],
      include: [String],
      mapping: [{ _id: false, column: String, kind: String, attribute: String }],
    },
    progress: { _id: false, step: String, percent: Number, message: String },
    reportJson: String,
    error: String,
    drafts: [{ _id: false, modelId: String, revision: Number, savedBy: String, savedAt: Date }],
  },
  { collection: 'calibrations', versionKey: false },
);

const fileSchema = new Schema<CalibrationFile>(
  {
    sha256: { type: String, required: true, unique: true },
    gzip: { type: Buffer, required: true },
    bytes: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'calibration_files', versionKey: false },
);

export function createCalibrationRepository(connection: Connection = mongoose.connection) {
  const Calibration = modelFor(connection, 'Calibration', calibrationSchema);
  const File = modelFor(connection, 'CalibrationFile', fileSchema);
  return {
    models: [Calibration, File],
    async create(record: CalibrationRecord): Promise<void> {
      await Calibration.create(record);
    },
    async update(calibrationId: string, fields: Partial<CalibrationRecord>): Promise<void> {
      await Calibration.updateOne({ calibrationId }, { $set: fields });
    },
    async addDraft(calibrationId: string, draft: CalibrationRecord['drafts'][number]): Promise<void> {
      await Calibration.updateOne({ calibrationId }, { $push: { drafts: draft } });
    },
    async get(calibrationId: string): Promise<CalibrationRecord | null> {
      return Calibration.findOne({ calibrationId }, { _id: 0 }).lean<CalibrationRecord>();
    },
    /** The newest first, without their reports. */
    async list(limit: number): Promise<CalibrationSummary[]> {
      return Calibration.find({}, { _id: 0, reportJson: 0 }).sort({ createdAt: -1 }).limit(limit).lean<CalibrationSummary[]>();
    },
    /** Keeps a file once per content; the same upload again stores nothing. */
    async saveFile(file: CalibrationFile): Promise<void> {
      if (await File.exists({ sha256: file.sha256 })) return;
      try {
        await File.create(file);
      } catch (err) {
        // Two uploads of the same file at once: the other one stored it.
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    },
    async getFile(sha256: string): Promise<CalibrationFile | null> {
      const file = await File.findOne({ sha256 }, { _id: 0 }).lean<CalibrationFile>();
      if (!file) return null;
      // Lean documents carry BSON Binary, not Buffer.
      const gzip = file.gzip as Buffer | { buffer: Uint8Array };
      return { ...file, gzip: Buffer.isBuffer(gzip) ? gzip : Buffer.from(gzip.buffer) };
    },
    /** Calibrations a stopped API left queued or running: they will not finish; say so. */
    async markInterrupted(): Promise<number> {
      const result = await Calibration.updateMany(
        { status: { $in: ['queued', 'running'] } },
        { $set: { status: 'interrupted', finishedAt: new Date(), error: 'the API stopped while this calibration ran; re-run it' } },
      );
      return result.modifiedCount;
    },
  };
}

export type CalibrationRepository = ReturnType<typeof createCalibrationRepository>;
