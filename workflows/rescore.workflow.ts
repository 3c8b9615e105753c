/**
 * Rescoring every lead under a model version, as a workflow of its own, with queryable progress.
 *
 * The bulk path (why it is built this way):
 * - The work is done in batches of leads by one activity, `rescoreBatch`: one range query reads
 *   every stored event of the batch (the events index is leadId, occurredAt, eventId), one scorer
 *   per model version replays each lead (`replayLead`, the same state rules as live scoring), and
 *   the read side of the whole batch is written in one bulk write. No activity per lead.
 * - The lead's workflow stays the owner of its state. Each lead gets its precomputed result in
 *   one update (`rescoreResult`), which its loop answers at the top of its next turn, before any
 *   activity: it takes the result only if the result was computed from exactly the events it has
 *   applied (count and hash of their ids), and answers with the read-side write it would have
 *   made. Otherwise (an event came in after the batch read the store, or is still queued) it
 *   answers "deferred" and replays its own stored events itself, as the per-lead rescore signal
 *   always did, after scoring what is queued: no event is lost or counted twice.
 * - The bulk write keeps every projection write's guard: a snapshot replaces the stored one only
 *   if its revision is higher, so a lead that took an event right after taking its result (and
 *   wrote a newer revision) is never overwritten; ledger entries are inserted once by entry id.
 *   The lead also resends the rescoring's ledger entries with its own next write, so a lost bulk
 *   write loses nothing. A retried batch is harmless: leads answer with the same write again.
 * - Leads keep taking events throughout: a lead is only ever asked between two of its turns.
 * - Why not a signal with the result: the lead would have to write its own read side, one more
 *   activity per lead. Why not lazy reconciliation on a lead's next wake: until then the workflow
 *   and the read side disagree, every kind of turn (event, decay timer, SLA, sales answer) would
 *   have to rebase onto the bulk result first, and a lead that now qualifies would wait for its
 *   next event to be handed off. One workflow task per lead is the price of agreeing at once.
 */
import { continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LeadActivities } from './lead.activities';
import { leadWorkflowId, rescoreProgressQuery, rescoreSignal, type RescoreProgress } from './lead.definitions';
import type { RescoreActivities } from './rescore.activities';

const { listLeadIds, countLeads } = proxyActivities<LeadActivities>({ startToCloseTimeout: '1 minute' });
// A batch reads, replays and asks thousands of leads; it heartbeats its progress as it goes.
const { rescoreBatch } = proxyActivities<RescoreActivities>({ startToCloseTimeout: '15 minutes', heartbeatTimeout: '2 minutes' });

const BULK_RESCORE = 'bulk-rescore';

export interface RescoreInput {
  modelVersion: number;
  /** Leads per batch. */
  batchSize?: number;
  /** Carried over by continue-as-new. */
  progress?: RescoreProgress;
  after?: string;
}

export async function rescoreWorkflow(input: RescoreInput): Promise<RescoreProgress> {
  // Runs started before the bulk path keep signalling each lead, as they did when they started.
  if (!patched(BULK_RESCORE)) return signalEveryLead(input);
  // Large batches: on FerretDB each batch's read scans every stored event, so fewer batches read
  // less; the batch under way shows its own progress (rescore-progress.ts).
  const batchSize = input.batchSize ?? 5_000;
  const carried = input.progress;
  const progress: RescoreProgress = {
    modelVersion: input.modelVersion,
    total: carried?.total ?? (await countLeads()),
    signalled: carried?.signalled ?? 0,
    rescored: carried?.rescored ?? 0,
    deferred: carried?.deferred ?? 0,
    missing: carried?.missing ?? 0,
    events: carried?.events ?? 0,
    millis: carried?.millis ?? { read: 0, replay: 0, deliver: 0, write: 0 },
    done: false,
  };
  setHandler(rescoreProgressQuery, () => progress);
  let after = input.after ?? '';
  for (;;) {
    const batch = await rescoreBatch({ modelVersion: input.modelVersion, after, limit: batchSize });
    if (batch.leads === 0) break;
    progress.signalled += batch.leads;
    progress.rescored = (progress.rescored ?? 0) + batch.rescored;
    progress.deferred = (progress.deferred ?? 0) + batch.deferred;
    progress.missing = (progress.missing ?? 0) + batch.missing;
    progress.events = (progress.events ?? 0) + batch.events;
    const millis = progress.millis ?? { read: 0, replay: 0, deliver: 0, write: 0 };
    progress.millis = { read: millis.read + batch.millis.read, replay: millis.replay + batch.millis.replay, deliver: millis.deliver + batch.millis.deliver, write: millis.write + batch.millis.write };
    after = batch.last;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof rescoreWorkflow>({ ...input, progress, after });
  }
  progress.done = true;
  return progress;
}

/** The path before the bulk rescoring: every lead is told to replay its own events. */
async function signalEveryLead(input: RescoreInput): Promise<RescoreProgress> {
  const batchSize = input.batchSize ?? 200;
  const progress: RescoreProgress = input.progress ?? { modelVersion: input.modelVersion, total: await countLeads(), signalled: 0, done: false };
  setHandler(rescoreProgressQuery, () => progress);
  let after = input.after ?? '';
  for (;;) {
    const leadIds = await listLeadIds({ after, limit: batchSize });
    if (leadIds.length === 0) break;
    await Promise.all(
      leadIds.map((leadId) =>
        // A lead whose workflow was ended has nothing to rescore; that is not a failure of the run.
        getExternalWorkflowHandle(leadWorkflowId(leadId)).signal(rescoreSignal, { modelVersion: input.modelVersion }).catch(() => undefined),
      ),
    );
    progress.signalled += leadIds.length;
    after = leadIds[leadIds.length - 1] as string;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof rescoreWorkflow>({ ...input, progress, after });
  }
  progress.done = true;
  return progress;
}
