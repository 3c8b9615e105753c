/**
 * Rescoring every lead under a model version, as a workflow of its own, with queryable progress.
 *
 * A lead is its input log folded by the lifecycle core (engine/lifecycle), so a rescoring is that
 * fold again under another version, as of now. Two parts, neither of which costs a live turn
 * anything:
 * - The version is marked as the one to rescore under (`requestRescore`). Every lead's workflow
 *   learns it at the start of its next turn (with the model version it asks for anyway) and
 *   replays its own log under it once.
 * - Meanwhile the read side of every lead is rewritten in bulk from the stored input logs
 *   (`rescoreBatch`, thousands of leads per activity, no workflow task per lead), so reports and
 *   queues show the rescoring at once. A lead whose workflow wrote meanwhile is left to it.
 * Both run the same core on the same inputs, so they agree; a rescoring under unchanged rules
 * changes nothing.
 */
import { continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LeadActivities } from './lead.activities';
import { rescoreProgressQuery, type RescoreProgress } from './lead.definitions';
import type { RescoreActivities } from './rescore.activities';

const { countLeads } = proxyActivities<LeadActivities>({ startToCloseTimeout: '1 minute' });
const { requestRescore } = proxyActivities<RescoreActivities>({ startToCloseTimeout: '1 minute' });
// A batch reads, replays and writes thousands of leads; it heartbeats its progress as it goes.
const { rescoreBatch } = proxyActivities<RescoreActivities>({ startToCloseTimeout: '15 minutes', heartbeatTimeout: '2 minutes' });

export interface RescoreInput {
  /** The model of `modelVersion` (the live one when absent: rescorings started before it could change). */
  modelId?: string;
  modelVersion: number;
  /** Leads per batch. */
  batchSize?: number;
  /** Carried over by continue-as-new. */
  progress?: RescoreProgress;
  after?: string;
}

export async function rescoreWorkflow(input: RescoreInput): Promise<RescoreProgress> {
  const batchSize = input.batchSize ?? 25_000;
  const carried = input.progress;
  const progress: RescoreProgress = carried ?? { modelVersion: input.modelVersion, total: 0, signalled: 0, rescored: 0, deferred: 0, woken: 0, events: 0, millis: { read: 0, replay: 0, write: 0 }, done: false };
  // Answered from the first task on: a watcher may ask before any activity has run.
  setHandler(rescoreProgressQuery, () => progress);
  if (!carried) {
    await requestRescore({ ...model(input), modelVersion: input.modelVersion });
    progress.total = await countLeads();
  }
  let after = input.after ?? '';
  for (;;) {
    const batch = await rescoreBatch({ ...model(input), modelVersion: input.modelVersion, after, limit: batchSize });
    progress.signalled += batch.leads;
    progress.rescored = (progress.rescored ?? 0) + batch.rescored;
    progress.deferred = (progress.deferred ?? 0) + batch.deferred;
    progress.woken = (progress.woken ?? 0) + batch.woken;
    progress.events = (progress.events ?? 0) + batch.events;
    const millis = progress.millis ?? { read: 0, replay: 0, write: 0 };
    progress.millis = { read: millis.read + batch.millis.read, replay: millis.replay + batch.millis.replay, write: millis.write + batch.millis.write };
    after = batch.last;
    // A short batch was the last: no need to list an empty one.
    if (batch.leads < batchSize) break;
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof rescoreWorkflow>({ ...input, progress, after });
  }
  progress.done = true;
  return progress;
}

/** The model named in activity inputs: none in rescorings started before the live model could change (their histories replay as recorded). */
function model(input: RescoreInput): { modelId?: string } {
  return input.modelId === undefined ? {} : { modelId: input.modelId };
}
