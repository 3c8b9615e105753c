/** CSV imports: their progress and per-row errors, so that a client can poll them. */
import mongoose, { Schema, type Connection } from 'mongoose';
import { modelFor } from './connect';

export interface RowError {
  /** The line of the file (1 = the header); 0 for the import as a whole. */
  line: number;
  column?: string;
  message: string;
}

export interface ImportRecord {
  importId: string;
  /** A CSV of leads (attributes and outcomes), or a history of events; leads when absent. */
  kind?: 'leads' | 'events';
  status: 'running' | 'done' | 'interrupted';
  fileSha256: string;
  createdBy: string;
  createdAt: Date;
  finishedAt?: Date;
  /** Which CSV column became which lead attribute. */
  columns: Array<{ column: string; attribute: string }>;
  rows: number;
  processed: number;
  imported: number;
  rejected: number;
  /** Rows whose delivery failed for a passing reason: importing the same file again retries them. */
  failed: number;
  errors: RowError[];
  /** Errors beyond those kept in `errors`. */
  moreErrors: number;
}

const importSchema = new Schema<ImportRecord>(
  {
    importId: { type: String, required: true, unique: true },
    kind: String,
    status: { type: String, required: true },
    fileSha256: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    finishedAt: Date,
    columns: [{ _id: false, column: String, attribute: String }],
    rows: Number,
    processed: Number,
    imported: Number,
    rejected: Number,
    failed: Number,
    errors: [{ _id: false, line: Number, column: String, message: String }],
    moreErrors: Number,
  },
  { collection: 'imports', versionKey: false, suppressReservedKeysWarning: true },
);

export function createImportRepository(connection: Connection = mongoose.connection) {
  const Import = modelFor(connection, 'Import', importSchema);
  return {
    model: Import,
    async create(record: ImportRecord): Promise<void> {
      await Import.create(record);
    },
    async update(importId: string, fields: Partial<ImportRecord>): Promise<void> {
      await Import.updateOne({ importId }, { $set: fields });
    },
    async get(importId: string): Promise<ImportRecord | null> {
      return Import.findOne({ importId }, { _id: 0 }).lean<ImportRecord>();
    },
    /** Imports a stopped API left running: they will not finish; say so. */
    async markInterrupted(): Promise<number> {
      const result = await Import.updateMany({ status: 'running' }, { $set: { status: 'interrupted', finishedAt: new Date() } });
      return result.modifiedCount;
    },
  };
}

export type ImportRepository = ReturnType<typeof createImportRepository>;
