/**
 * The lead workflow's I/O: which model version scores the lead, the owner of a round-robin
 * handoff, the read-side write, and webhooks. Built by a factory so the worker hands in real
 * repositories and tests plain fakes.
 */
import { assignOwner } from '../engine/assign-owner';
import type { LedgerEntry } from '../engine/lead-records';
import type { LeadInput, ModelNews, Notification, OwnerRequest, ProjectionWrite, PublishedModel } from './lead.definitions';

export type { Notification, ProjectionWrite, PublishedModel } from './lead.definitions';

export interface LeadActivityDeps {
  /** The newest published version's number, and the version whose rescoring was asked for last, if any. */
  modelState(): Promise<{ latest: number; rescore?: number }>;
  /** One published version. */
  modelVersion(version: number): Promise<PublishedModel>;
  /**
   * The round-robin position for `routeId` to use for `handoffId`: the same handoff always gets
   * the same position, so a retried activity does not skip an owner.
   */
  roundRobinPosition(routeId: string, handoffId: string): Promise<number>;
  /** Writes a lead's read side (and appends to its input log) idempotently: a repeated or older write changes nothing. */
  writeProjection(write: ProjectionWrite): Promise<void>;
  /** Writes ledger entries from sequence `from` on, ahead of the projection write that follows (a long rewrite, in parts). */
  writeLedger(leadId: string, from: number, entries: LedgerEntry[], revision: number): Promise<void>;
  /** A lead's stored input log, its first `count` inputs, or null when the store does not hold them all (yet). */
  inputLog(leadId: string, count: number): Promise<LeadInput[] | null>;
  /** Tells subscribers (webhooks) of a change; throws to be retried. */
  notify(notification: Notification): Promise<void>;
  /** Lead ids after `after` in id order, at most `limit`; and how many leads there are. */
  listLeadIds(after: string, limit: number): Promise<string[]>;
  countLeads(): Promise<number>;
}

/**
 * How long the worker trusts what it last read of the model's state: every turn of every lead
 * asks, and a published version reaches leads within this.
 */
const MODEL_STATE_TTL_MS = 1_000;

export function createLeadActivities(deps: LeadActivityDeps) {
  let state: { at: number; value: Promise<{ latest: number; rescore?: number }> } | undefined;
  const modelState = () => {
    if (!state || Date.now() - state.at > MODEL_STATE_TTL_MS) {
      const value = deps.modelState();
      state = { at: Date.now(), value };
      value.catch(() => (state = undefined));
    }
    return state.value;
  };

  // Published versions never change: each is read once per worker.
  const versions = new Map<number, Promise<PublishedModel>>();
  const modelVersion = (version: number) => {
    let found = versions.get(version);
    if (!found) {
      found = deps.modelVersion(version);
      versions.set(version, found);
      found.catch(() => versions.delete(version));
    }
    return found;
  };

  return {
    /**
     * The version that scores a lead's new inputs, and the rescoring it must replay its log under,
     * if any; a compiled model only where the workflow lacks it (`version`: the one it has;
     * `rescoredUnder`: the rescoring it has done; `rescore`: the one that woke it).
     */
    async modelNews(input: { version: number | null; rescoredUnder: number | null; rescore?: number }): Promise<ModelNews> {
      const state = await modelState();
      const { latest } = state;
      // A rescoring that woke the lead names its version: newer than what the cache may say.
      const rescore = input.rescore ?? state.rescore;
      const news: ModelNews = { version: latest, ...(input.version !== latest && { compiled: (await modelVersion(latest)).compiled }) };
      if (rescore !== undefined && rescore !== input.rescoredUnder) {
        news.rescore = { version: rescore, ...(rescore !== latest && { compiled: (await modelVersion(rescore)).compiled }) };
      }
      return news;
    },

    /** The owner a round-robin route gives a handoff (undefined when the route has none). */
    async ownerFor(input: OwnerRequest): Promise<string | undefined> {
      const model = await modelVersion(input.modelVersion);
      const route = model.compiled.routes.find((r) => r.id === input.routeId);
      if (!route) return undefined;
      const position = await deps.roundRobinPosition(route.id, input.handoffId);
      return assignOwner(route, position, input.handoffId);
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

    async writeProjection(write: ProjectionWrite): Promise<void> {
      await deps.writeProjection(write);
    },

    async writeLedgerPart(part: { leadId: string; from: number; entries: LedgerEntry[]; revision: number }): Promise<void> {
      await deps.writeLedger(part.leadId, part.from, part.entries, part.revision);
    },

    async notify(notification: Notification): Promise<void> {
      await deps.notify(notification);
    },

    listLeadIds: (input: { after: string; limit: number }) => deps.listLeadIds(input.after, input.limit),
    countLeads: () => deps.countLeads(),
  };
}

export type LeadActivities = ReturnType<typeof createLeadActivities>;
