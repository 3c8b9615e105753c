/**
 * Published scoring model versions: the marketer's graph and its compiled rules, immutable once
 * stored. Version numbers count up per model.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import type { CompiledModel } from '../../engine/types';
import type { RuleGraph } from '../../rules/graph.schema';
import { modelFor } from './connect';

export interface ModelVersionRecord {
  modelId: string;
  version: number;
  name: string;
  graph: RuleGraph;
  compiled: CompiledModel;
  changeNote: string;
  publishedAt: Date;
  publishedBy?: string;
}

const modelVersionSchema = new Schema<ModelVersionRecord>(
  {
    modelId: { type: String, required: true },
    version: { type: Number, required: true },
    name: { type: String, required: true },
    graph: { type: Schema.Types.Mixed, required: true },
    compiled: { type: Schema.Types.Mixed, required: true },
    changeNote: { type: String, default: '' },
    publishedAt: { type: Date, required: true },
    publishedBy: String,
  },
  { collection: 'model_versions', versionKey: false },
);
// A version number is taken once; two publishers racing for it get a duplicate-key error.
modelVersionSchema.index({ modelId: 1, version: 1 }, { unique: true });

export function createModelVersionRepository(connection: Connection = mongoose.connection) {
  const ModelVersion = modelFor(connection, 'ModelVersion', modelVersionSchema);

  return {
    model: ModelVersion,

    /** The newest version of `modelId`, or null when none is published. */
    async latest(modelId: string): Promise<ModelVersionRecord | null> {
      return ModelVersion.findOne({ modelId }).sort({ version: -1 }).lean<ModelVersionRecord>();
    },

    /** The versions of `modelId`, newest first, without their graphs. */
    async list(modelId: string): Promise<Array<Omit<ModelVersionRecord, 'graph' | 'compiled'>>> {
      return ModelVersion.find({ modelId }, { _id: 0, graph: 0, compiled: 0 }).sort({ version: -1 }).lean<Array<Omit<ModelVersionRecord, 'graph' | 'compiled'>>>();
    },

    /**
     * Stores `record` as the version after the newest one. Null when another publisher took that
     * number first (the caller answers 409: retry).
     */
    async publishNext(record: Omit<ModelVersionRecord, 'version' | 'publishedAt'>): Promise<ModelVersionRecord | null> {
      const version = ((await this.latest(record.modelId))?.version ?? 0) + 1;
      try {
        await ModelVersion.create({ ...record, version, publishedAt: new Date() });
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return null;
        throw err;
      }
      return this.get(record.modelId, version);
    },

    /** Version `version` of `modelId`, or null. */
    async get(modelId: string, version: number): Promise<ModelVersionRecord | null> {
      return ModelVersion.findOne({ modelId, version }).lean<ModelVersionRecord>();
    },

    /**
     * Stores `record` as version 1 unless the model has a version already (so restarting never
     * duplicates the default model). Returns the newest version either way.
     */
    async publishFirst(record: Omit<ModelVersionRecord, 'version' | 'publishedAt'>): Promise<ModelVersionRecord> {
      const existing = await this.latest(record.modelId);
      if (existing) return existing;
      try {
        await ModelVersion.create({ ...record, version: 1, publishedAt: new Date() });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      return (await this.latest(record.modelId)) as ModelVersionRecord;
    },
  };
}

export type ModelVersionRepository = ReturnType<typeof createModelVersionRepository>;
