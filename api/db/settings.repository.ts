/**
 * LeadFlow's own settings, one small document: which model scores events (the live model).
 * Set once from LEADFLOW_MODEL_ID on the first start; changed through the API afterwards.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import { modelFor } from './connect';

interface SettingsRecord {
  _id: string;
  liveModelId: string;
  liveSince: Date;
  liveSetBy: string;
}

const settingsSchema = new Schema<SettingsRecord>(
  {
    _id: { type: String, required: true },
    liveModelId: { type: String, required: true },
    liveSince: { type: Date, required: true },
    liveSetBy: { type: String, required: true },
  },
  { collection: 'settings', versionKey: false },
);

const SETTINGS_ID = 'leadflow';

/** How long a reader trusts the live model id it last read: a switch reaches every reader within this. */
export const LIVE_MODEL_TTL_MS = 1_000;

export interface LiveModelSetting {
  modelId: string;
  since: Date;
  setBy: string;
}

export function createSettingsRepository(connection: Connection = mongoose.connection) {
  const Settings = modelFor(connection, 'Settings', settingsSchema);
  const toSetting = (record: SettingsRecord): LiveModelSetting => ({ modelId: record.liveModelId, since: record.liveSince, setBy: record.liveSetBy });
  return {
    model: Settings,

    /** The live model, or null before the first start has set it. */
    async liveModel(): Promise<LiveModelSetting | null> {
      const record = await Settings.findById(SETTINGS_ID).lean<SettingsRecord>();
      return record ? toSetting(record) : null;
    },

    /** Sets the live model to `modelId` unless one is set already (the first start); returns the live model either way. */
    async ensureLiveModel(modelId: string, actor: string): Promise<LiveModelSetting> {
      try {
        await Settings.updateOne({ _id: SETTINGS_ID }, { $setOnInsert: { liveModelId: modelId, liveSince: new Date(), liveSetBy: actor } }, { upsert: true });
      } catch (err) {
        // Two processes starting at once: the other one inserted it.
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      return (await this.liveModel()) as LiveModelSetting;
    },

    /** Makes `modelId` the live model; returns the one it replaced. */
    async setLiveModel(modelId: string, actor: string): Promise<LiveModelSetting | null> {
      const before = await this.liveModel();
      await Settings.updateOne({ _id: SETTINGS_ID }, { $set: { liveModelId: modelId, liveSince: new Date(), liveSetBy: actor } }, { upsert: true });
      return before;
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;

/**
 * The live model's id as a reader sees it, read at most once per LIVE_MODEL_TTL_MS (every turn of
 * every lead asks). Throws while no live model is set, so that the caller retries.
 */
export function cachedLiveModelId(settings: Pick<SettingsRepository, 'liveModel'>, ttlMs = LIVE_MODEL_TTL_MS): LiveModelId {
  let cached: { at: number; value: Promise<string> } | undefined;
  const read = async () => {
    const live = await settings.liveModel();
    if (!live) throw new Error('no live model is set yet: the API sets it from LEADFLOW_MODEL_ID on its first start');
    return live.modelId;
  };
  const liveModelId = () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const value = read();
      cached = { at: Date.now(), value };
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
  return Object.assign(liveModelId, { forget: () => void (cached = undefined) });
}

/** The live model's id, read through a short cache; `forget` makes the next call read it again. */
export type LiveModelId = (() => Promise<string>) & { forget(): void };
