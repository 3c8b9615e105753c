/**
 * How long the API waits for Temporal. Without a deadline, a call to a Temporal server that is
 * down is retried for half a minute and one that hangs is waited for forever, and so is the HTTP
 * request behind it. Every call gets a deadline unless its caller set one, or it is one that waits
 * by design for a worker (an update's result, a workflow's result): those keep their own.
 */
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/** A call to Temporal that has not answered after this long fails, and its request gets 503. */
export const TEMPORAL_DEADLINE_MS = 1_000;

/** Calls that wait for a worker by design (long polls). */
const WAITS_FOR_A_WORKER = /\/(UpdateWorkflowExecution|PollWorkflowExecutionUpdate|GetWorkflowExecutionHistory|QueryWorkflow)$/;

/** The client's interceptors: the deadline first, so that the SDK's retries stay inside it. */
export function temporalInterceptors(deadlineMs = TEMPORAL_DEADLINE_MS): Interceptor[] {
  const withDeadline: Interceptor = (options, nextCall) => {
    const path = (options as { method_definition?: { path?: string } }).method_definition?.path ?? '';
    const deadline = options.deadline ?? (WAITS_FOR_A_WORKER.test(path) ? undefined : Date.now() + deadlineMs);
    // The next call already is an intercepting call: passing it on with the deadline is enough.
    return nextCall({ ...options, ...(deadline !== undefined && { deadline }) }) as ReturnType<Interceptor>;
  };
  return [withDeadline, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())];
}
