/**
 * Rescoring every lead under a model version, as a workflow of its own, with queryable progress.
 *
 * The bulk path (why it is built this way):
 * - The work is done in batches of leads by one activity, `rescoreBatch`: it reads each lead's
 *   packed history (lead-histories.repository.ts; the events collection for a lead without a
 *   complete one), replays each lead with one scorer per model version (`replayLead`, the same
 *   state rules as live scoring), and writes in bulk. No activity per lead.
 * - An idle lead (no turn of its workflow under way) that would not qualify under the new version
 *   gets its result written straight into its read side: new scores, ledger entries, the next
 *   revision, and the result itself beside them. No workflow task: on the dev server here a
 *   workflow task per lead capped a rescoring at 75-130 leads a second. The workflow takes the
 *   stored result at the start of its next turn (event, decay timer, SLA, sales answer), before
 *   it changes anything, with the same rule and the same ledger entry ids as the bulk write.
 *   Each turn first marks the lead busy and keeps the mark to its end (a write in mid-turn, such
 *   as a sales answer's, carries it; a turn that writes nothing clears it), and a busy lead is
 *   never written in bulk (the write is guarded by revision and busy mark), so the two never
 *   cross. The price: until that turn, the
 *   workflow's own state (its query) lags behind its read side.
 * - The others (busy, would now qualify, or no complete history) get their result in one update
 *   (`rescoreResult`), answered at the top of the lead's next turn: a lead that qualifies is
 *   handed off at once. The lead takes the result only if it was computed from exactly the events
 *   it has applied (count and hash of their ids), and answers with the read-side write it would
 *   have made, which the batch writes in bulk under the revision guard. Otherwise it answers
 *   "deferred" and replays its own stored events itself, after scoring what is queued: no event
 *   is lost or counted twice.
 * - Leads keep taking events throughout. A retried batch is harmless: every write is guarded by
 *   the lead's revision, and ledger entries are inserted once by entry id.
 */
import { continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LeadActivities } from './lead.activities';
import { leadWorkflowId, rescoreProgressQuery, rescoreSignal, type RescoreProgress } from './lead.definitions';
import type { RescoreActivities } from './rescore.activities';

const { listLeadIds, countLeads } = proxyActivities<LeadActivities>({ startToCloseTimeout: '1 minute' });
// A batch reads, replays and asks thousands of leads; it heartbeats its progress as it goes.
const { rescoreBatch } = proxyActivities<RescoreActivities>({ startToCloseTimeout: '15 minutes', heartbeatTimeout: '2 minutes' });

const BULK_RESCORE = 'bulk-rescore';
const SHORT_BATCH_IS_LAST = 'short-batch-is-last';

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
  // Large batches: each is one activity with its own heartbeats, and the batch under way shows
  // its own progress (rescore-progress.ts).
  const batchSize = input.batchSize ?? 25_000;
  const carried = input.progress;
  const progress: RescoreProgress = {
    modelVersion: input.modelVersion,
    total: carried?.total ?? (await countLeads()),
    signalled: carried?.signalled ?? 0,
    rescored: carried?.rescored ?? 0,
    awaitingTurn: carried?.awaitingTurn ?? 0,
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
    // Absent in results of batches that ran before read-side results were stored.
    progress.awaitingTurn = (progress.awaitingTurn ?? 0) + (batch.awaitingTurn ?? 0);
    progress.deferred = (progress.deferred ?? 0) + batch.deferred;
    progress.missing = (progress.missing ?? 0) + batch.missing;
    progress.events = (progress.events ?? 0) + batch.events;
    const millis = progress.millis ?? { read: 0, replay: 0, deliver: 0, write: 0 };
    progress.millis = { read: millis.read + batch.millis.read, replay: millis.replay + batch.millis.replay, deliver: millis.deliver + batch.millis.deliver, write: millis.write + batch.millis.write };
    after = batch.last;
    // A short batch was the last: no need to list an empty one (runs started before asked).
    if (batch.leads < batchSize && patched(SHORT_BATCH_IS_LAST)) break;
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
