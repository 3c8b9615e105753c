/**
 * Scoring models and their working drafts. A draft carries a revision: saving with a stale
 * revision changes nothing (the caller answers 409), which is how two marketers editing the
 * same model do not overwrite each other. One document per model, so no transaction is needed.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import { modelFor } from './connect';

export interface Draft {
  /** The graph as last saved; it may have issues (drafts are work in progress). */
  graph: unknown;
  revision: number;
  updatedAt: Date;
  updatedBy: string;
}

export interface ModelRecord {
  modelId: string;
  name: string;
  description: string;
  draft: Draft;
  latestVersion: number;
  createdAt: Date;
}

const modelSchema = new Schema<ModelRecord>(
  {
    modelId: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    draft: { type: Schema.Types.Mixed, required: true },
    latestVersion: { type: Number, default: 0 },
    createdAt: { type: Date, required: true },
  },
  { collection: 'models', versionKey: false, minimize: false },
);

export function createModelRepository(connection: Connection = mongoose.connection) {
  const Model = modelFor(connection, 'ScoringModel', modelSchema);

  return {
    model: Model,

    /** Creates a model with its first draft; false when the id is taken. */
    async create(record: Omit<ModelRecord, 'createdAt' | 'latestVersion'> & { latestVersion?: number }): Promise<boolean> {
      try {
        await Model.create({ latestVersion: 0, ...record, createdAt: new Date() });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 11000) return false;
        throw err;
      }
    },

    async get(modelId: string): Promise<ModelRecord | null> {
      return Model.findOne({ modelId }, { _id: 0 }).lean<ModelRecord>();
    },

    async list(): Promise<ModelRecord[]> {
      return Model.find({}, { _id: 0 }).sort({ modelId: 1 }).lean<ModelRecord[]>();
    },

    /** Saves `graph` as the draft if the draft is still at `revision`; returns the new revision, or null. */
    async saveDraft(modelId: string, revision: number, graph: unknown, actor: string): Promise<number | null> {
      const next = revision + 1;
      const result = await Model.updateOne(
        { modelId, 'draft.revision': revision },
        { $set: { draft: { graph, revision: next, updatedAt: new Date(), updatedBy: actor } } },
      );
      return result.modifiedCount === 1 ? next : null;
    },

    /** Records that `version` was published, unless a later one already was. */
    async setLatestVersion(modelId: string, version: number): Promise<void> {
      await Model.updateOne({ modelId, latestVersion: { $lt: version } }, { $set: { latestVersion: version } });
    },
  };
}

export type ModelRepository = ReturnType<typeof createModelRepository>;
