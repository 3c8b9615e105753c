/**
 * Code that is synchronous unless it meets a promise: the lifecycle core and the scorer are
 * written as generators that `yield*` through `wait`, and `settle` runs them.
 *
 * Why not plain `async` functions: the core runs inside Temporal's workflow sandbox, which
 * installs a V8 promise hook that captures a stack trace (with source-map lookups) for every
 * promise workflow code creates. An async step per event, rule and matcher made that hook a
 * third of the workflow thread's CPU, yet on a fully compiled model nothing is ever waited for:
 * only json-rules-engine (the scorer's fallback for rules outside the compiled subset) returns
 * promises. A generator costs no promise; it yields only when it meets one, and `settle` turns
 * async from that point on. So one code path serves both, and the compiled path creates no
 * promise per input.
 */

/** A value now, or a promise of it when it had to wait (json-rules-engine). */
export type MaybePromise<T> = T | Promise<T>;

/** A computation of a `T` that yields only the promises it has to wait for, and resumes with their results. */
export type Steps<T> = Generator<PromiseLike<unknown>, T, unknown>;

/**
 * Runs `steps` synchronously and returns its result; from the first promise it yields on, it
 * continues asynchronously and returns a promise of the result. A rejected promise is thrown
 * into the generator at the `wait` that yielded it.
 */
export function settle<T>(steps: Steps<T>): MaybePromise<T> {
  const next = steps.next();
  return next.done ? next.value : resume(steps, next.value);
}

/**
 * `yield* wait(value)`: `value` itself when it is plain, or — when it is a promise — yields it
 * and resumes with what it resolves to.
 */
export function* wait<T>(value: T | PromiseLike<T>): Steps<T> {
  return isPromiseLike(value) ? ((yield value) as T) : value;
}

async function resume<T>(steps: Steps<T>, pending: PromiseLike<unknown>): Promise<T> {
  for (;;) {
    const next = await Promise.resolve(pending).then(
      (value) => steps.next(value),
      (error: unknown) => steps.throw(error),
    );
    if (next.done) return next.value;
    pending = next.value;
  }
}

/** Whether `value` is to be waited for (a promise or any thenable). */
export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
