/**
 * Preloaded into the worker process (`node --require`, which Node also runs in every worker
 * thread: `--import` it does not). It switches off the Temporal SDK's workflow stack traces in
 * the SDK's workflow threads, unless LEADFLOW_WORKFLOW_STACK_TRACES=1.
 *
 * Why: to answer the `__stack_trace` query (the Temporal UI's "Stack Trace" tab), the SDK
 * installs a promise hook that captures and source-maps a stack for every promise a workflow
 * creates (sdk-typescript#1587). A lead's event creates about 20, so the hook was about a
 * quarter of the worker's CPU at moderate load (docs/performance.md). It changes no result:
 * the query then answers "Workflow stack traces are not enabled on this worker".
 *
 * How: the SDK installs the hook through Node's public `v8.promiseHooks.createHook` and, when
 * that throws, leaves stack traces off and says so once per thread (its path for runtimes
 * without promise hooks). Node's own async_hooks install their promise hooks through the same
 * function, and AsyncLocalStorage (which the SDK's cancellation scopes use) needs them, so only
 * the SDK's own call is refused: the caller is read from the stack.
 * Should the SDK move that code, its hook is installed again (the CPU comes back; nothing breaks)
 * and test/workflow-stack-traces.test.ts fails. The main thread, and the API, are untouched.
 */
'use strict';
const { isMainThread } = require('node:worker_threads');
const v8 = require('node:v8');

const OFF = 'workflow stack traces are off (LEADFLOW_WORKFLOW_STACK_TRACES=1 keeps them; docs/operations.md)';
/** The frame of the SDK's (1.x) call that installs its stack-trace hook (its .js, or its .ts when source maps are on). */
const SDK_STACK_TRACES = /at GlobalHandlers\.setPromiseHook \(.*[\\/]@temporalio[\\/]worker[\\/]/;

if (!keepStackTraces(process.env.LEADFLOW_WORKFLOW_STACK_TRACES)) {
  if (isMainThread) {
    // The SDK's own line in each workflow thread says only that collection "will be disabled".
    console.log(`worker: ${OFF}`);
  } else {
    const createHook = v8.promiseHooks.createHook;
    v8.promiseHooks.createHook = function refuseSdkStackTraces(hooks) {
      if (SDK_STACK_TRACES.test(new Error().stack ?? '')) throw new Error(`LeadFlow: ${OFF}`);
      return createHook.call(this, hooks);
    };
  }
}

/**
 * LEADFLOW_WORKFLOW_STACK_TRACES read as the API reads its switches (zod's stringbool): anything
 * else stops the worker with the variable named, as api/env.ts does, rather than being taken as "off".
 */
function keepStackTraces(value) {
  const said = (value ?? '').trim().toLowerCase();
  if (['', 'false', '0', 'no', 'off', 'n', 'disabled'].includes(said)) return false;
  if (['true', '1', 'yes', 'on', 'y', 'enabled'].includes(said)) return true;
  console.error(`LeadFlow: invalid environment\n  LEADFLOW_WORKFLOW_STACK_TRACES: true or false (got "${value}")`);
  process.exit(2);
}
