/**
 * The bulk rescoring's I/O: one activity replays a batch of leads from their stored events with
 * one scorer, hands each lead's workflow its result, and writes the read side of those that took
 * it in one bulk write. Built by a factory, like the lead activities, so tests hand in fakes.
 */
import { Context } from '@temporalio/activity';
import { createScorer, type Scorer } from '../engine/score-event';
import type { LeadEvent } from '../engine/types';
import type { ProjectionWrite, PublishedModel } from './lead.activities';
import type { RescoreBatchProgress, RescoreDelivery, RescoreReply } from './lead.definitions';
import { eventDigest } from './lead-state';
import { replayLead } from './rescore-lead';

export interface RescoreActivityDeps {
  /** One published version of the model. */
  modelVersion(version: number): Promise<PublishedModel>;
  /** Lead ids after `after` in id order, at most `limit`. */
  listLeadIds(after: string, limit: number): Promise<string[]>;
  /** The stored events of every lead whose id lies in [first, last], each lead's oldest first. */
  eventsOfLeadRange(first: string, last: string): Promise<Map<string, LeadEvent[]>>;
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

export function createRescoreActivities(deps: RescoreActivityDeps) {
  // One scorer per model version for the life of the worker: every lead of a rescoring shares it.
  const scorers = new Map<number, Scorer>();

  return {
    /**
     * Rescores the leads after `after` (at most `limit`) under `modelVersion`: reads all their
     * events with one range query, replays each lead, delivers each result to its workflow, and
     * bulk-writes the read side of those that took it. Safe to retry: a lead that already took
     * the result answers with the same write, and every write is guarded by its revision.
     */
    async rescoreBatch(input: { modelVersion: number; after: string; limit: number }): Promise<RescoreBatchResult> {
      const model = await deps.modelVersion(input.modelVersion);
      let scorer = scorers.get(model.version);
      if (!scorer) scorers.set(model.version, (scorer = createScorer(model.compiled)));
      const leadIds = await deps.listLeadIds(input.after, input.limit);
      const millis = { read: 0, replay: 0, deliver: 0, write: 0 };
      const result: RescoreBatchResult = { leads: leadIds.length, last: leadIds.at(-1) ?? input.after, rescored: 0, deferred: 0, missing: 0, events: 0, millis };
      if (leadIds.length === 0) return result;
      let mark = Date.now();
      const lap = (phase: keyof typeof millis) => {
        const now = Date.now();
        millis[phase] += now - mark;
        mark = now;
      };

      // The activity's context, held: the keep-alive timer beats from outside the awaited call.
      const activity = Context.current();
      const beat = (phase: RescoreBatchProgress['phase'], done: number) => activity.heartbeat({ phase, leads: leadIds.length, done } satisfies RescoreBatchProgress);
      const histories = await whileBeating(deps.eventsOfLeadRange(leadIds[0] as string, result.last), () => beat('reading', 0));
      lap('read');
      beat('replaying', 0);
      const deliveries: Array<{ leadId: string; delivery: RescoreDelivery }> = [];
      for (const leadId of leadIds) {
        const events = histories.get(leadId) ?? [];
        result.events += events.length;
        const rescored = await replayLead(scorer, model, leadId, events);
        deliveries.push({ leadId, delivery: { modelVersion: model.version, events: eventDigest(events.map((event) => event.eventId)), rescored } });
        if (deliveries.length % 250 === 0) beat('replaying', deliveries.length);
      }
      lap('replay');
      beat('delivering', 0);

      const writes: ProjectionWrite[] = [];
      await forEachConcurrently(deliveries, DELIVERY_CONCURRENCY, async ({ leadId, delivery }) => {
        const reply = await deps.deliverRescore(leadId, delivery);
        if (reply.status === 'applied') {
          result.rescored += 1;
          writes.push(reply.write);
        } else if (reply.status === 'deferred') result.deferred += 1;
        else result.missing += 1;
        beat('delivering', result.rescored + result.deferred + result.missing);
      });
      lap('deliver');
      // In slices, heartbeating between them.
      for (let first = 0; first < writes.length; first += WRITES_PER_SLICE) {
        await deps.writeProjections(writes.slice(first, first + WRITES_PER_SLICE));
        beat('writing', Math.min(writes.length, first + WRITES_PER_SLICE));
      }
      lap('write');
      return result;
    },
  };
}

export type RescoreActivities = ReturnType<typeof createRescoreActivities>;

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
