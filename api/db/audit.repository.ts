/** Who changed what and when, for every change to a scoring model. Append-only. */
import mongoose, { Schema, type Connection } from 'mongoose';
import { modelFor } from './connect';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: 'model.created' | 'draft.saved' | 'version.published' | 'version.rolled_back' | 'thresholds.reviewed' | 'live_model.changed';
  modelId: string;
  version?: number;
  revision?: number;
  note?: string;
}

const auditSchema = new Schema<AuditEntry>(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    modelId: { type: String, required: true },
    version: Number,
    revision: Number,
    note: String,
  },
  { collection: 'audit_log', versionKey: false },
);
auditSchema.index({ modelId: 1, at: 1 });

export function createAuditRepository(connection: Connection = mongoose.connection) {
  const Audit = modelFor(connection, 'AuditEntry', auditSchema);
  return {
    model: Audit,
    async record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
      await Audit.create({ ...entry, at: new Date() });
    },
    async forModel(modelId: string, limit: number): Promise<AuditEntry[]> {
      return Audit.find({ modelId }, { _id: 0 }).sort({ at: 1 }).limit(limit).lean<AuditEntry[]>();
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
