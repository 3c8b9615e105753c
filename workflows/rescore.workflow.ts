/**
 * Rescoring every lead under a model version, as a workflow of its own: leads are told in
 * batches to recompute their scores from their stored events, and the progress can be queried.
 * Each lead's own workflow does its rescoring, so leads keep taking events meanwhile.
 */
import { continueAsNew, getExternalWorkflowHandle, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { LeadActivities } from './lead.activities';
import { leadWorkflowId, rescoreProgressQuery, rescoreSignal, type RescoreProgress } from './lead.definitions';

const { listLeadIds, countLeads } = proxyActivities<LeadActivities>({ startToCloseTimeout: '1 minute' });

export interface RescoreInput {
  modelVersion: number;
  /** Leads told per batch. */
  batchSize?: number;
  /** Carried over by continue-as-new. */
  progress?: RescoreProgress;
  after?: string;
}

export async function rescoreWorkflow(input: RescoreInput): Promise<RescoreProgress> {
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
