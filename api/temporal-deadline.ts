/**
 * How long the API waits for Temporal. Without a deadline, a call to a Temporal server that is
 * down is retried for half a minute and one that hangs is waited for forever, and so is the HTTP
 * request behind it. Every call gets a deadline unless its caller set one, or it is one that waits
 * by design for a worker (an update's result, a workflow's result): those keep their own.
 */
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions, type GrpcRetryOptions } from '@temporalio/client';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/** A call to Temporal that has not answered after this long fails, and its request gets 503. */
export const TEMPORAL_DEADLINE_MS = 1_000;

/** Calls that wait for a worker by design (long polls). */
const WAITS_FOR_A_WORKER = /\/(UpdateWorkflowExecution|PollWorkflowExecutionUpdate|GetWorkflowExecutionHistory|QueryWorkflow)$/;

/**
 * The client's interceptor: each call gets its deadline, and the SDK's retries of a refused call
 * stay inside it.
 */
export function temporalInterceptors(deadlineMs = TEMPORAL_DEADLINE_MS): Interceptor[] {
  const withDeadline: Interceptor = (options, nextCall) => {
    const path = (options as { method_definition?: { path?: string } }).method_definition?.path ?? '';
    const deadline = options.deadline ?? (WAITS_FOR_A_WORKER.test(path) ? undefined : Date.now() + deadlineMs);
    const retrying = makeGrpcRetryInterceptor(retriesWithin(deadline === undefined ? Infinity : new Date(deadline).getTime()));
    return retrying({ ...options, ...(deadline !== undefined && { deadline }) }, nextCall) as ReturnType<Interceptor>;
  };
  return [withDeadline];
}

/**
 * The SDK's retries (backoff with jitter on UNAVAILABLE and the like), except that a retry whose
 * wait would end at or past the deadline is not made: the call fails then with what Temporal
 * answered. Without this, a call refused at 0.95 s slept 0.8 s more before failing on its
 * deadline, and a request that should get 503 within a second waited nearly two.
 */
export function retriesWithin(deadline: number, base: GrpcRetryOptions = defaultGrpcRetryOptions(), now: () => number = Date.now): GrpcRetryOptions {
  let wait = 0;
  return {
    retryableDecider(attempt, status) {
      if (!base.retryableDecider(attempt, status)) return false;
      wait = base.delayFunction(attempt, status);
      return now() + wait < deadline;
    },
    delayFunction: () => wait,
  };
}
