/**
 * The workflow tasks that failed in a workflow's runs. Temporal retries a task that throws until
 * it passes, so a test that checks only results stays green while every task fails once; the
 * history keeps each failure.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const Cause = temporal.api.enums.v1.WorkflowTaskFailedCause;
/**
 * Failures the server makes on its own, by design, whatever the workflow's code: it fails a task
 * in flight when more signals wait than it buffers (100) or when the run is terminated
 * (FORCE_CLOSE_COMMAND), refuses a completion while new signals wait (UNHANDLED_COMMAND), and
 * moves a run off a worker's sticky queue (RESET_STICKY_TASK_QUEUE). The task is redone; nothing
 * is wrong with the code. Every other cause is the worker's (a throw, a non-determinism, a bad command).
 */
const BY_THE_SERVER = new Set([Cause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND, Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, Cause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE]);

/**
 * Each task of the run `runId` of `workflowId` (its current run when undefined) and of the runs it
 * continued as that the worker failed, as "workflowId: cause message".
 */
export async function failedWorkflowTasks(client: Client, workflowId: string, runId?: string): Promise<string[]> {
  const failed: string[] = [];
  let run = runId;
  do {
    const history = await client.workflow.getHandle(workflowId, run).fetchHistory();
    run = undefined;
    for (const event of history.events ?? []) {
      const task = event.workflowTaskFailedEventAttributes;
      const cause = task?.cause ?? Cause.WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED;
      if (task && !BY_THE_SERVER.has(cause)) failed.push(`${workflowId}: ${Cause[cause]} ${task.failure?.message ?? ''}`);
      run = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? run;
    }
  } while (run);
  return failed;
}
