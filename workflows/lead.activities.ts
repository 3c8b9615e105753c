/**
 * The lead workflow's I/O: which model version scores the lead, the owner of a round-robin
 * handoff, the read-side write, and webhooks. Built by a factory so the worker hands in real
 * repositories and tests plain fakes.
 */
import { ownerOnRoute } from '../engine/assign-owner';
import type { LedgerEntry } from '../engine/lead-records';
import type { LeadInput, ModelNews, Notification, OwnerRequest, ProjectionWrite, PublishedModel } from './lead.definitions';

export type { Notification, ProjectionWrite, PublishedModel } from './lead.definitions';

export interface LeadActivityDeps {
  /** The live model: its id, its newest published version's number, and the version whose rescoring was asked for last, if any. */
  modelState(): Promise<ModelState>;
  /** One published version of a model. */
  modelVersion(modelId: string, version: number): Promise<PublishedModel>;
  /**
   * The round-robin position for `routeId` to use for `handoffId`: the same handoff always gets
   * the same position, so a retried activity does not skip an owner.
   */
  roundRobinPosition(routeId: string, handoffId: string): Promise<number>;
  /** Writes a lead's read side (and appends to its input log) idempotently: a repeated or older write changes nothing. */
  writeProjection(write: ProjectionWrite): Promise<void>;
  /**
   * Writes ledger entries from sequence `from` on, ahead of the projection write that follows (a
   * long rewrite, in parts), as read-side `revision` over `inputCount` inputs (the projection's).
   */
  writeLedger(leadId: string, from: number, entries: LedgerEntry[], order: { revision: number; inputCount?: number }): Promise<void>;
  /** A lead's stored input log, its first `count` inputs, or null when the store does not hold them all (yet). */
  inputLog(leadId: string, count: number): Promise<LeadInput[] | null>;
  /** Whether anyone listens to webhooks now (a lead nobody listens to announces nothing). */
  listening(): Promise<boolean>;
  /** Tells subscribers (webhooks) of a change; throws to be retried. */
  notify(notification: Notification): Promise<void>;
  /** Lead ids after `after` in id order, at most `limit`; and how many leads there are. */
  listLeadIds(after: string, limit: number): Promise<string[]>;
  countLeads(): Promise<number>;
}

export interface ModelState {
  modelId: string;
  latest: number;
  rescore?: number;
}

/**
 * How long the worker trusts what it last read of the model's state: every turn of every lead
 * asks, and a published version reaches leads within this.
 */
const MODEL_STATE_TTL_MS = 1_000;

export function createLeadActivities(deps: LeadActivityDeps) {
  let state: { at: number; value: Promise<ModelState> } | undefined;
  const modelState = () => {
    if (!state || Date.now() - state.at > MODEL_STATE_TTL_MS) {
      const value = deps.modelState();
      state = { at: Date.now(), value };
      value.catch(() => (state = undefined));
    }
    return state.value;
  };

  // Published versions never change: each is read once per worker.
  // Keyed by model and version: version numbers count up per model.
  const versions = new Map<string, Promise<PublishedModel>>();
  const modelVersion = (modelId: string, version: number) => {
    const key = `${modelId}:${version}`;
    let found = versions.get(key);
    if (!found) {
      found = deps.modelVersion(modelId, version);
      versions.set(key, found);
      found.catch(() => versions.delete(key));
    }
    return found;
  };

  return {
    /**
     * The version that scores a lead's new inputs, and the rescoring it must replay its log under,
     * if any; a compiled model only where the workflow lacks it (`modelId` and `version`: the one
     * it has; `rescoredUnder` and `rescoredIn`: the rescoring it has done; `rescore`: the one that
     * woke it). The live model may have changed since: a version of another model is news. Also
     * whether anyone listens to webhooks.
     */
    async modelNews(input: { modelId?: string; version: number | null; rescoredUnder: number | null; rescoredIn?: string; rescore?: number }): Promise<ModelNews> {
      const state = await modelState();
      const { modelId, latest } = state;
      // A rescoring that woke the lead names its version: newer than what the cache may say.
      const rescore = input.rescore ?? state.rescore;
      // A workflow that names no model has run since before the live model could change: it is sent the compiled model once.
      const has = input.modelId === modelId && input.version === latest;
      const news: ModelNews = { modelId, version: latest, ...(!has && { compiled: (await modelVersion(modelId, latest)).compiled }), listening: await deps.listening() };
      // A rescoring done before the live model could change was done under the first live model.
      const rescored = rescore === input.rescoredUnder && (input.rescoredIn ?? modelId) === modelId;
      if (rescore !== undefined && !rescored) {
        news.rescore = { version: rescore, ...(rescore !== latest && { compiled: (await modelVersion(modelId, rescore)).compiled }) };
      }
      return news;
    },

    /** The owner a round-robin route gives a handoff (undefined when the route has none). */
    async ownerFor(input: OwnerRequest): Promise<string | undefined> {
      const model = await modelVersion(input.modelId ?? (await modelState()).modelId, input.modelVersion);
      return ownerOnRoute(model.compiled.routes, input.routeId, input.handoffId, deps.roundRobinPosition);
    },

    /**
     * A page of a lead's stored input log of `total` inputs: `count` of them from `from`. Retried
     * until the store holds them all.
     */
    async inputLog(input: { leadId: string; total: number; from: number; count: number }): Promise<LeadInput[]> {
      const log = await deps.inputLog(input.leadId, input.total);
      if (!log) throw new Error(`the input log of lead ${input.leadId} does not hold its ${input.total} inputs yet`);
      return log.slice(input.from, input.from + input.count);
    },

    /**
     * Writes the read side; answers whether anyone listens to webhooks as the worker knows it (its
     * own receiver included), so that a lead started with its model need not ask in a turn of its
     * own. A receiver list that cannot be read answers nothing: the write stands, not retried for it.
     */
    async writeProjection(write: ProjectionWrite): Promise<{ listening?: boolean }> {
      await deps.writeProjection(write);
      const listening = await deps.listening().catch(() => undefined);
      return listening === undefined ? {} : { listening };
    },

    async writeLedgerPart(part: { leadId: string; from: number; entries: LedgerEntry[]; revision: number; inputCount?: number }): Promise<void> {
      await deps.writeLedger(part.leadId, part.from, part.entries, { revision: part.revision, ...(part.inputCount !== undefined && { inputCount: part.inputCount }) });
    },

    /** Whether anyone listens to webhooks, the worker's own receiver included. */
    listening: () => deps.listening(),

    async notify(notification: Notification): Promise<void> {
      await deps.notify(notification);
    },

    listLeadIds: (input: { after: string; limit: number }) => deps.listLeadIds(input.after, input.limit),
    countLeads: () => deps.countLeads(),
  };
}

export type LeadActivities = ReturnType<typeof createLeadActivities>;
