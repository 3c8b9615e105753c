/**
 * Published scoring model versions: the marketer's graph and its compiled rules, immutable once
 * stored. Version numbers count up per model.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import type { CompiledModel } from '../../engine/types';
import { compileGraph } from '../../rules/compile-graph';
import { ruleGraphSchema, type RuleGraph } from '../../rules/graph.schema';
import { modelFor } from './connect';

/** The compiled format this release scores with (engine/types.ts CompiledModel). */
const COMPILED_FORMAT: CompiledModel['format'] = 2;

export interface ModelVersionRecord {
  modelId: string;
  version: number;
  name: string;
  graph: RuleGraph;
  compiled: CompiledModel;
  changeNote: string;
  publishedAt: Date;
  publishedBy?: string;
  /** When a rescoring of every lead under this version was last asked for. */
  rescoreRequestedAt?: Date;
  /**
   * Set when the version cannot be scored by this release: it was compiled in an older format
   * and its graph no longer validates (never stored; see `current` below).
   */
  problem?: string;
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
    rescoreRequestedAt: Date,
  },
  { collection: 'model_versions', versionKey: false },
);
// A version number is taken once; two publishers racing for it get a duplicate-key error.
modelVersionSchema.index({ modelId: 1, version: 1 }, { unique: true });

export function createModelVersionRepository(connection: Connection = mongoose.connection) {
  const ModelVersion = modelFor(connection, 'ModelVersion', modelVersionSchema);
  const recompiled = new Map<string, CompiledModel>();

  /**
   * A version compiled by an earlier release (an older compiled format) is compiled again from
   * its stored graph, which is what the marketer published; the stored record is not changed.
   * When the current schema refuses that graph, the record comes back with `problem` saying so,
   * and scoring refuses it by name until a new version is published.
   */
  const current = (record: ModelVersionRecord | null): ModelVersionRecord | null => {
    if (!record || record.compiled?.format === COMPILED_FORMAT) return record;
    const key = `${record.modelId}:${record.version}`;
    let compiled = recompiled.get(key);
    if (!compiled) {
      const graph = ruleGraphSchema.safeParse(record.graph);
      if (!graph.success) {
        const [issue] = graph.error.issues;
        const problem = `Version ${record.version} of model "${record.modelId}" was compiled by an earlier LeadFlow (format ${String(record.compiled?.format)}) and its graph no longer validates (${issue?.path.join('.')}: ${issue?.message}); publish a new version to score leads again`;
        return { ...record, problem };
      }
      compiled = compileGraph(graph.data);
      recompiled.set(key, compiled);
      console.warn(`[models] version ${record.version} of "${record.modelId}" was stored in compiled format ${String(record.compiled?.format)}; compiled again from its graph (format ${COMPILED_FORMAT})`);
    }
    return { ...record, compiled };
  };

  return {
    model: ModelVersion,

    /** The newest version of `modelId`, or null when none is published. */
    async latest(modelId: string): Promise<ModelVersionRecord | null> {
      return current(await ModelVersion.findOne({ modelId }, { _id: 0 }).sort({ version: -1 }).lean<ModelVersionRecord>());
    },

    /**
     * What a lead's workflow asks at every turn (through a short cache): the newest version's
     * number, and the version whose rescoring was asked for last. Reads no graph or compiled model.
     */
    async state(modelId: string): Promise<{ latest: number; rescore?: number }> {
      const [latest, rescore] = await Promise.all([
        ModelVersion.findOne({ modelId }, { _id: 0, version: 1 }).sort({ version: -1 }).lean<{ version: number }>(),
        ModelVersion.findOne({ modelId, rescoreRequestedAt: { $exists: true } }, { _id: 0, version: 1 }).sort({ rescoreRequestedAt: -1 }).lean<{ version: number }>(),
      ]);
      if (!latest) throw new Error(`no published version of model "${modelId}" yet`);
      return { latest: latest.version, ...(rescore && { rescore: rescore.version }) };
    },

    /** Marks `version` as the one every lead is to be rescored under. */
    async requestRescore(modelId: string, version: number): Promise<void> {
      await ModelVersion.updateOne({ modelId, version }, { $set: { rescoreRequestedAt: new Date() } });
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
      return current(await ModelVersion.findOne({ modelId, version }, { _id: 0 }).lean<ModelVersionRecord>());
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
