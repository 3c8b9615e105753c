/**
 * The worker's preload refuses only the Temporal SDK's stack-trace hook: Node's own promise hooks,
 * which AsyncLocalStorage (and so the SDK's cancellation scopes) need, still install in the
 * worker's threads. (That the SDK's hook is refused, on a real worker: test/workflow-stack-traces.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

const PRELOAD = decodeURIComponent(new URL('./worker-threads.cjs', import.meta.url).pathname);

/** Runs `code` in a worker thread of a process started with the preload; returns what it posts. */
function inWorkerThread(code: string, env: NodeJS.ProcessEnv = {}): unknown {
  const main = `
    const { Worker } = require('node:worker_threads');
    new Worker(${JSON.stringify(code)}, { eval: true }).on('message', (m) => console.log(JSON.stringify(m)));`;
  const run = spawnSync(process.execPath, ['--require', PRELOAD, '-e', main], { encoding: 'utf8', env: { ...process.env, LEADFLOW_WORKFLOW_STACK_TRACES: '', ...env } });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
}

it("keeps AsyncLocalStorage's store across awaits in the worker's threads", () => {
  const store = inWorkerThread(`
    const { parentPort } = require('node:worker_threads');
    const { AsyncLocalStorage } = require('node:async_hooks');
    const als = new AsyncLocalStorage();
    als.run('scope', async () => {
      await null;
      await new Promise((resolve) => setImmediate(resolve));
      parentPort.postMessage(als.getStore());
    });`);
  expect(store).toBe('scope');
});

it('lets any promise hook but the SDK stack traces install', () => {
  const installed = inWorkerThread(`
    const { parentPort } = require('node:worker_threads');
    const stop = require('node:v8').promiseHooks.createHook({ init() {} });
    parentPort.postMessage(typeof stop);`);
  expect(installed).toBe('function');
});

it('says in the main thread that stack traces are off, and nothing when they are kept', () => {
  const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['--require', PRELOAD, '-e', ''], { encoding: 'utf8', env: { ...process.env, ...env } }).stdout;
  expect(run({ LEADFLOW_WORKFLOW_STACK_TRACES: '' })).toMatch(/^worker: workflow stack traces are off \(LEADFLOW_WORKFLOW_STACK_TRACES=1 keeps them/);
  expect(run({ LEADFLOW_WORKFLOW_STACK_TRACES: '1' })).toBe('');
});

it('takes the switch as the API takes its own, and stops with the variable named on anything else', () => {
  const run = (value: string) => spawnSync(process.execPath, ['--require', PRELOAD, '-e', ''], { encoding: 'utf8', env: { ...process.env, LEADFLOW_WORKFLOW_STACK_TRACES: value } });
  expect(run('true').stdout).toBe('');
  expect(run('FALSE').stdout).toMatch(/stack traces are off/);
  const bad = run('sometimes');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/LeadFlow: invalid environment\n {2}LEADFLOW_WORKFLOW_STACK_TRACES: true or false \(got "sometimes"\)/);
});
