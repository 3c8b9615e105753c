/**
 * The bulk rescoring's I/O: one activity replays a batch of leads from their packed histories
 * with one scorer, stores each idle lead's result in its read side for its workflow's next turn,
 * and hands the other leads' workflows their result. Built by a factory, like the lead
 * activities, so tests hand in fakes.
 */
import { Context } from '@temporalio/activity';
import { createScorer, type Scorer } from '../engine/score-event';
import type { LeadEvent } from '../engine/types';
import type { ProjectionWrite, PublishedModel } from './lead.activities';
import type { LedgerEntry, RescoreBatchProgress, RescoreDelivery, RescoreReply, StoredRescore } from './lead.definitions';
import { eventDigest, rescoredReadSide, type RescoredChange, type RescoreView } from './rescore-state';
import { replayLead } from './rescore-lead';

export interface RescoreActivityDeps {
  /** One published version of the model. */
  modelVersion(version: number): Promise<PublishedModel>;
  /** The leads after `after` in id order, at most `limit`, as their read side has them. */
  leadsToRescore(after: string, limit: number): Promise<RescoreView[]>;
  /** The packed histories of these leads that are complete (every applied event, in applied order). */
  completeHistories(leads: ReadonlyArray<{ leadId: string; eventCount: number }>): Promise<Map<string, LeadEvent[]>>;
  /** The stored events of every lead whose id lies in [first, last], each lead's oldest first. */
  eventsOfLeadRange(first: string, last: string): Promise<Map<string, LeadEvent[]>>;
  /** Writes rescorings into idle leads' read sides for their workflows to take; returns the leads written. */
  storeRescores(items: ReadonlyArray<{ leadId: string; change: RescoredChange; rescore: StoredRescore; ledger: LedgerEntry[] }>): Promise<Set<string>>;
  /** Hands a lead's workflow its rescoring and returns its answer; `missing` when it has no running workflow. */
  deliverRescore(leadId: string, delivery: RescoreDelivery): Promise<RescoreReply | { status: 'missing' }>;
  /** Writes many leads' read side at once, each exactly as writeProjection would (revision guard, idempotent ledger). */
  writeProjections(writes: ProjectionWrite[]): Promise<void>;
}

/** What one batch did. */
export interface RescoreBatchResult {
  /** Leads in the batch; 0 when there were none after `after`. */
  leads: number;
  /** The batch's last lead id: where the next batch starts. */
  last: string;
  rescored: number;
  /** Of the rescored, those stored for their workflow's next turn. */
  awaitingTurn: number;
  deferred: number;
  missing: number;
  events: number;
  /** Where the batch's time went, in milliseconds. */
  millis: { read: number; replay: number; deliver: number; write: number };
}

/**
 * While one long call runs (a read that scans the events collection on FerretDB takes minutes at
 * scale), the batch still heartbeats, so it is neither timed out nor shown standing still.
 */
const KEEP_ALIVE_MS = 10_000;

/** Leads whose workflows are asked at once: enough to overlap round trips, not to flood Temporal. */
const DELIVERY_CONCURRENCY = 32;
/** Read-side writes per bulk write. */
const WRITES_PER_SLICE = 100;
/** Leads read, replayed and stored together; the next slice is read and the previous one written meanwhile. */
const LEADS_PER_SLICE = 500;

export function createRescoreActivities(deps: RescoreActivityDeps) {
  // One scorer per model version for the life of the worker: every lead of a rescoring shares it.
  const scorers = new Map<number, Scorer>();

  return {
    /**
     * Rescores the leads after `after` (at most `limit`) under `modelVersion`. In slices of
     * leads, replaying one while the next is read and the previous one written: each lead's packed history (or,
     * for a lead without a complete one, its events in the events collection) is replayed. An
     * idle lead that would not qualify gets its result written straight into its read side, for
     * its workflow to take at its next turn (no workflow task now); the others (busy, about to
     * qualify, without a complete history, or written to meanwhile) are handed their result by
     * an update, as before, and their read side is bulk-written. Safe to retry: every write is
     * guarded by the lead's revision, and a lead that took its result answers with the same write.
     */
    async rescoreBatch(input: { modelVersion: number; after: string; limit: number }): Promise<RescoreBatchResult> {
      const model = await deps.modelVersion(input.modelVersion);
      let scorer = scorers.get(model.version);
      if (!scorer) scorers.set(model.version, (scorer = createScorer(model.compiled)));
      // Time per phase; the phases of neighbouring slices overlap, so they add up to more than the batch took.
      const millis = { read: 0, replay: 0, deliver: 0, write: 0 };
      // The activity's context, held: the keep-alive timer beats from outside the awaited call.
      const activity = Context.current();
      let started = Date.now();
      const leads = await deps.leadsToRescore(input.after, input.limit);
      millis.read += Date.now() - started;
      const result: RescoreBatchResult = { leads: leads.length, last: leads.at(-1)?.leadId ?? input.after, rescored: 0, awaitingTurn: 0, deferred: 0, missing: 0, events: 0, millis };
      if (leads.length === 0) return result;
      let done = 0;
      const beat = (phase: RescoreBatchProgress['phase']) => activity.heartbeat({ phase, leads: leads.length, done } satisfies RescoreBatchProgress);

      const slices: RescoreView[][] = [];
      for (let first = 0; first < leads.length; first += LEADS_PER_SLICE) slices.push(leads.slice(first, first + LEADS_PER_SLICE));
      const read = (slice: RescoreView[]) => handled(readHistories(deps, slice));
      /** Stores a replayed slice's results, then hands the others theirs by update. */
      const write = async (slice: RescoreView[], toStore: StoreItem[], toDeliver: Array<{ leadId: string; delivery: RescoreDelivery }>) => {
        beat('writing');
        const writeStarted = Date.now();
        const stored = await deps.storeRescores(toStore);
        millis.write += Date.now() - writeStarted;
        result.rescored += stored.size;
        result.awaitingTurn += stored.size;
        beat('delivering');
        await deliver(toDeliver.filter(({ leadId }) => !stored.has(leadId)), result, millis);
        done += slice.length;
        beat('delivering');
      };
      // Three slices at once: the next one is read (the database) and the previous one written
      // (the database) while this one is replayed (this process). One slice's writes at a time.
      let next = read(slices[0] as RescoreView[]);
      let writing: Promise<void> = Promise.resolve();
      for (const [index, slice] of slices.entries()) {
        started = Date.now();
        const histories = await whileBeating(next, () => beat('reading'));
        if (index + 1 < slices.length) next = read(slices[index + 1] as RescoreView[]);
        millis.read += Date.now() - started;
        beat('replaying');
        started = Date.now();
        const now = new Date().toISOString();
        const toStore: StoreItem[] = [];
        const toDeliver: Array<{ leadId: string; delivery: RescoreDelivery }> = [];
        for (const lead of slice) {
          const { events, complete } = histories.get(lead.leadId) ?? { events: [], complete: false };
          result.events += events.length;
          const rescored = await replayLead(scorer, model, lead.leadId, events);
          const delivery: RescoreDelivery = { modelVersion: model.version, events: eventDigest(events.map((event) => event.eventId)), rescored };
          const readSide = rescoredReadSide(lead, rescored, now);
          // Only a history the workflow wrote itself is known to be exactly the events it applied.
          if (complete && !lead.busy && !readSide.qualifies) {
            const { scores, ruleUsage } = rescored;
            toStore.push({ leadId: lead.leadId, change: readSide.change, ledger: readSide.ledger, rescore: { base: lead.revision, ledgerSize: readSide.change.ledgerSize, modelVersion: model.version, events: delivery.events, scores, ruleUsage } });
          }
          toDeliver.push({ leadId: lead.leadId, delivery });
        }
        millis.replay += Date.now() - started;
        await writing;
        writing = handled(write(slice, toStore, toDeliver));
      }
      await writing;
      return result;
    },
  };

  /** Hands each lead its result by an update, then bulk-writes the read side of those that took it. */
  async function deliver(deliveries: Array<{ leadId: string; delivery: RescoreDelivery }>, result: RescoreBatchResult, millis: RescoreBatchResult['millis']): Promise<void> {
    let mark = Date.now();
    const writes: ProjectionWrite[] = [];
    await forEachConcurrently(deliveries, DELIVERY_CONCURRENCY, async ({ leadId, delivery }) => {
      const reply = await deps.deliverRescore(leadId, delivery);
      if (reply.status === 'applied') {
        result.rescored += 1;
        writes.push(reply.write);
      } else if (reply.status === 'deferred') result.deferred += 1;
      else result.missing += 1;
    });
    millis.deliver += Date.now() - mark;
    mark = Date.now();
    for (let first = 0; first < writes.length; first += WRITES_PER_SLICE) await deps.writeProjections(writes.slice(first, first + WRITES_PER_SLICE));
    millis.write += Date.now() - mark;
  }
}

/**
 * Each lead's events to replay: its packed history when complete (sorted as the events
 * collection reads them, oldest first, so both give the same replay), otherwise its events in
 * the events collection, read for the slice's whole id range at once.
 */
async function readHistories(deps: RescoreActivityDeps, slice: RescoreView[]): Promise<Map<string, { events: LeadEvent[]; complete: boolean }>> {
  const histories = await deps.completeHistories(slice);
  const byLead = new Map<string, { events: LeadEvent[]; complete: boolean }>();
  for (const [leadId, events] of histories) byLead.set(leadId, { events: events.sort(byOccurrence), complete: true });
  if (byLead.size < slice.length) {
    const stored = await deps.eventsOfLeadRange((slice[0] as RescoreView).leadId, (slice.at(-1) as RescoreView).leadId);
    for (const lead of slice) if (!byLead.has(lead.leadId)) byLead.set(lead.leadId, { events: stored.get(lead.leadId) ?? [], complete: false });
  }
  return byLead;
}

function byOccurrence(a: LeadEvent, b: LeadEvent): number {
  return a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

export type RescoreActivities = ReturnType<typeof createRescoreActivities>;

type StoreItem = Parameters<RescoreActivityDeps['storeRescores']>[0][number];

/**
 * A promise awaited later, while other work goes on: a failure then still fails the batch where
 * it is awaited, and is not reported (and the worker stopped) as an unhandled rejection meanwhile.
 */
function handled<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}

async function whileBeating<T>(work: Promise<T>, beat: () => void): Promise<T> {
  beat();
  const timer = setInterval(beat, KEEP_ALIVE_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
}
