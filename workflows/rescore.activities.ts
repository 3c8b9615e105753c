/**
 * The bulk rescoring's I/O: one activity replays a batch of leads' input logs through the
 * lifecycle core under the version and writes their read sides in bulk; a lead whose workflow
 * wrote meanwhile is left to it (every lead replays its own log under the version at its next
 * turn, whatever the bulk did). Built by a factory, like the lead activities, so tests hand in fakes.
 */
import { Context } from '@temporalio/activity';
import { lifecycleModel, replay, type LeadInput, type LifecycleModel } from '../engine/lifecycle/lifecycle';
import { recordStageChanges, type Handoff, type LeadSnapshot, type LedgerEntry, type StageChange } from '../engine/lead-records';
import { createScorer } from '../engine/score-event';
import type { PublishedModel, RescoreBatchProgress } from './lead.definitions';

export interface RescoreActivityDeps {
  /** One published version of a model (the live one when `modelId` is undefined). */
  modelVersion(modelId: string | undefined, version: number): Promise<PublishedModel>;
  /** Marks `version` of a model (the live one when undefined) as the one every lead replays its log under at its next turn. */
  requestRescore(modelId: string | undefined, version: number): Promise<void>;
  /** The leads after `after` in id order, at most `limit`, with their revision, input count, stage and handoff. */
  leadsToRescore(after: string, limit: number): Promise<Array<{ leadId: string; revision: number; inputCount?: number; stage: string; handoff: Handoff | null; stageHistory?: StageChange[]; ledgerSize?: number }>>;
  /** The complete input logs of these leads (a lead whose log is incomplete is left out). */
  completeHistories(leads: ReadonlyArray<{ leadId: string; inputCount: number }>): Promise<Map<string, LeadInput[]>>;
  /** Writes replayed read sides of leads still at revision `base`; returns the leads written. */
  writeRescores(items: ReadonlyArray<{ base: number; snapshot: LeadSnapshot; ledger: LedgerEntry[]; handoffs: Handoff[]; previousLedgerSize?: number; previousHandoffId?: string }>): Promise<Set<string>>;
  /** Gives these leads' workflows a turn now, under the rescoring's version (their stage or handoff changed; each acts on it itself). */
  wake(leadIds: readonly string[], rescore: number): Promise<void>;
}

/** What one batch did. */
export interface RescoreBatchResult {
  /** Leads in the batch; 0 when there were none after `after`. */
  leads: number;
  /** The batch's last lead id: where the next batch starts. */
  last: string;
  rescored: number;
  /** Leads left to their own workflow (it wrote meanwhile, or its log is not all stored yet). */
  deferred: number;
  /** Leads whose stage or handoff the rescoring changed: their workflow was given a turn to act on it. */
  woken: number;
  /** Inputs replayed. */
  events: number;
  /** Where the batch's time went, in milliseconds. */
  millis: { read: number; replay: number; write: number };
}

/**
 * While one long call runs, the batch still heartbeats, so it is neither timed out nor shown
 * standing still.
 */
const KEEP_ALIVE_MS = 10_000;
/** Leads read, replayed and written together; the next slice is read and the previous one written meanwhile. */
const LEADS_PER_SLICE = 500;
/** Leads replayed between two turns of the event loop. */
const YIELD_EVERY = 5;

export function createRescoreActivities(deps: RescoreActivityDeps) {
  // One core model per version for the life of the worker: every lead of a rescoring shares it.
  // Keyed by model and version: version numbers count up per model.
  const models = new Map<string, LifecycleModel>();

  return {
    async requestRescore(input: { modelId?: string; modelVersion: number }): Promise<void> {
      await deps.requestRescore(input.modelId, input.modelVersion);
    },

    /**
     * Rescores the leads after `after` (at most `limit`) under `modelVersion`, as of now: each
     * lead's whole input log (events, sales answers, owners) replayed by the lifecycle core, in
     * slices, one replayed while the next is read and the previous one written. Safe to retry:
     * a write lands only on a lead still at the revision it was replayed from.
     */
    async rescoreBatch(input: { modelId?: string; modelVersion: number; after: string; limit: number }): Promise<RescoreBatchResult> {
      const key = `${input.modelId ?? ''}:${input.modelVersion}`;
      let model = models.get(key);
      if (!model) {
        const published = await deps.modelVersion(input.modelId, input.modelVersion);
        model = lifecycleModel(published.version, published.compiled, createScorer(published.compiled));
        models.set(key, model);
      }
      const millis = { read: 0, replay: 0, write: 0 };
      // The activity's context, held: the keep-alive timer beats from outside the awaited call.
      const activity = Context.current();
      let started = Date.now();
      const leads = await deps.leadsToRescore(input.after, input.limit);
      millis.read += Date.now() - started;
      const result: RescoreBatchResult = { leads: leads.length, last: leads.at(-1)?.leadId ?? input.after, rescored: 0, deferred: 0, woken: 0, events: 0, millis };
      if (leads.length === 0) return result;
      let done = 0;
      const beat = (phase: RescoreBatchProgress['phase']) => activity.heartbeat({ phase, leads: leads.length, done } satisfies RescoreBatchProgress);

      type Lead = (typeof leads)[number];
      const slices: Lead[][] = [];
      for (let first = 0; first < leads.length; first += LEADS_PER_SLICE) slices.push(leads.slice(first, first + LEADS_PER_SLICE));
      const read = (slice: Lead[]) => handled(deps.completeHistories(slice.map((lead) => ({ leadId: lead.leadId, inputCount: lead.inputCount ?? 0 }))));
      type Item = Parameters<RescoreActivityDeps['writeRescores']>[0][number] & { wake: boolean };
      const write = async (slice: Lead[], items: Item[]) => {
        beat('writing');
        const writeStarted = Date.now();
        const written = await whileBeating(deps.writeRescores(items), () => beat('writing'));
        // A stage or handoff the lead's workflow has not made is its to act on: a handoff to
        // open or withdraw, a deadline sooner. Other leads take the rescoring at their next turn.
        const changed = items.filter((item) => written.has(item.snapshot.leadId) && item.wake).map((item) => item.snapshot.leadId);
        if (changed.length > 0) await whileBeating(deps.wake(changed, input.modelVersion), () => beat('writing'));
        result.woken += changed.length;
        millis.write += Date.now() - writeStarted;
        result.rescored += written.size;
        result.deferred += slice.length - written.size;
        done += slice.length;
        beat('writing');
      };
      let next = read(slices[0] as Lead[]);
      let writing: Promise<void> = Promise.resolve();
      for (const [index, slice] of slices.entries()) {
        started = Date.now();
        const logs = await whileBeating(next, () => beat('reading'));
        if (index + 1 < slices.length) next = read(slices[index + 1] as Lead[]);
        millis.read += Date.now() - started;
        beat('replaying');
        started = Date.now();
        const now = new Date().toISOString();
        const items: Item[] = [];
        for (const [position, lead] of slice.entries()) {
          // The replay is CPU work on the thread that also sends the previous slice's writes and
          // reads the next slice: let their I/O through every few leads, or they wait for it all.
          if (position % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
          const log = logs.get(lead.leadId);
          // A log not all stored yet: the lead's workflow replays its own at its next turn.
          if (!log || log.length === 0) continue;
          result.events += log.length;
          const ledger: LedgerEntry[] = [];
          const handoffs = new Map<string, Handoff>();
          const { view } = await replay(lead.leadId, log, now, model, (step) => {
            ledger.push(...step.ledger);
            if (step.handoff) handoffs.set(step.handoff.handoffId, step.handoff);
          });
          // Only what the workflow acts on wakes it: a handoff sales can now answer (or no longer).
          const wake = openHandoffOf(view.snapshot.handoff) !== openHandoffOf(lead.handoff);
          const stageHistory = recordStageChanges(lead.stageHistory ?? [], view.snapshot.stageHistory, now);
          items.push({
            base: lead.revision,
            snapshot: { ...view.snapshot, stageHistory, revision: lead.revision, inputCount: log.length },
            ledger,
            handoffs: [...handoffs.values()],
            wake,
            ...(lead.ledgerSize !== undefined && { previousLedgerSize: lead.ledgerSize }),
            ...(lead.handoff && { previousHandoffId: lead.handoff.handoffId }),
          });
        }
        millis.replay += Date.now() - started;
        await writing;
        writing = handled(write(slice, items));
      }
      await writing;
      return result;
    },
  };
}

export type RescoreActivities = ReturnType<typeof createRescoreActivities>;

/** The handoff sales can answer, as it sees it: pending or accepted (null when there is none). */
function openHandoffOf(handoff: Handoff | null): string | null {
  return handoff?.status === 'pending' || handoff?.status === 'accepted' ? JSON.stringify([handoff.handoffId, handoff.status, handoff.queue, handoff.owner ?? null, handoff.slaDueAt]) : null;
}

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
