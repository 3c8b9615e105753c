/**
 * The suite holds on any day: the lead-path checks and README's examples, with every clock a
 * year ahead. Temporal (the Java test server, in real time), the API and worker processes and the
 * shell the examples run in all run under libfaketime a year from today, on a database of their
 * own; the dates the checks and the examples send are relative to that clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { freePort, spawnService, stopChild, waitForPort } from '../scripts/services';
import { startApi, startWorker, type AppProcess, type StackEnv } from '../scripts/stack';
import { ensureFaketime, ensureTestServer } from '../scripts/tools';
import { describeLeadPath } from './support/lead-path-checks';
import { runTryIt } from './support/readme';

const DAYS_AHEAD = 365;
const run = Date.now().toString(36);
let clock: Record<string, string>;
let temporal: { address: string; child: ChildProcess } | undefined;
/**
 * The process that owns libfaketime's shared state for every process of this test. Each process
 * that preloads libfaketime without FAKETIME_SHARED creates that state for itself and its children
 * and removes it when it exits; in README's examples (a shell, its subshells and pipelines) a
 * `curl | node` once found it gone and failed ("sem_open failed and recreation attempts failed",
 * wolfcw/libfaketime#411). Owned by a process that only sleeps, it stays until the test ends.
 */
let faketimeOwner: ChildProcess | undefined;
const logDir = () => path.join(inject('runDir'), 'any-day');

/** The same database server, a database of this test's own (`name`). */
function ownDatabase(name: string): string {
  const uri = new URL(inject('mongoUri'));
  uri.pathname = `/leadflow_any_day_${name}_${run}`;
  return uri.toString();
}

beforeAll(async () => {
  const preload = { LD_PRELOAD: await ensureFaketime(), FAKETIME: `+${DAYS_AHEAD}d` };
  faketimeOwner = spawn('sleep', ['86400'], { env: { ...process.env, ...preload }, stdio: 'ignore' });
  const owner = faketimeOwner.pid as number;
  // Created as the sleeper starts.
  for (let waited = 0; await access(`/dev/shm/sem.faketime_sem_${owner}`).then(() => false, () => true); waited += 50) {
    if (waited > 10_000) throw new Error('libfaketime did not create its shared state for the sleeping process');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  clock = { ...preload, FAKETIME_SHARED: `/faketime_sem_${owner} /faketime_shm_${owner}` };
  const exe = await ensureTestServer();
  if (!exe) throw new Error('the Java test server is needed (Java 17+ and Maven)');
  const port = await freePort();
  const logFile = path.join(logDir(), 'temporal.log');
  const child = await spawnService('temporal (a year ahead)', exe, [String(port)], logFile, { ...process.env, ...clock });
  await waitForPort('127.0.0.1', port, 60_000, 'the Java test server', child, logFile);
  temporal = { address: `127.0.0.1:${port}`, child };
});

afterAll(async () => {
  if (temporal) await stopChild(temporal.child);
  if (faketimeOwner?.pid) {
    faketimeOwner.kill();
    // Killed, it leaves its shared state behind.
    await Promise.all([`faketime_shm_${faketimeOwner.pid}`, `sem.faketime_sem_${faketimeOwner.pid}`].map((name) => rm(path.join('/dev/shm', name), { force: true })));
  }
});

const stackEnv = (name: string): StackEnv => ({
  temporalAddress: (temporal as { address: string }).address,
  mongoUri: ownDatabase(name),
  logDir: path.join(logDir(), name),
  extra: clock,
});

describeLeadPath({ shiftDays: DAYS_AHEAD, env: async () => stackEnv('lead-path') });

describe(`README, ${DAYS_AHEAD} days ahead`, () => {
  let api: AppProcess;
  let worker: AppProcess;

  beforeAll(async () => {
    const env = stackEnv('readme');
    [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
  });

  it('"Try it": every example runs as written and every call succeeds', () => {
    runTryIt(`${api.url}/api`, clock);
  });
});
