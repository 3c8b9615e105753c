/**
 * The supervisor `npm start` runs its processes under, on real child processes: a crash is
 * logged and restarted after a pause that doubles and starts over once the process stayed up; a
 * failed restart is one more crash; nothing restarts once stopped.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnService, stopChild } from './services';
import { supervise, type Started, type Supervised } from './supervisor';

let dir: string;
let lines: string[];
let supervised: Supervised<Started> | undefined;
const log = (line: string) => lines.push(line);
const fast = { log, firstDelayMs: 50, maxDelayMs: 200, steadyAfterMs: 60_000 };

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'leadflow-supervisor-'));
  lines = [];
});

afterEach(async () => {
  await supervised?.stop();
  supervised = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A start function whose n-th process runs `scripts[n]` (the last one from then on). */
function job(scripts: string[]): { start: () => Promise<Started>; starts: () => number } {
  let starts = 0;
  return {
    starts: () => starts,
    async start() {
      const script = scripts[Math.min(starts++, scripts.length - 1)] as string;
      const logFile = path.join(dir, 'job.log');
      const child = await spawnService('job', process.execPath, ['-e', script], logFile);
      return { child, logFile, stop: () => stopChild(child, 1_000) };
    },
  };
}

const CRASH = 'process.exit(1)';
const RUN = 'setInterval(() => {}, 1000)';

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; log: ${lines.join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('supervise', () => {
  it('restarts a crashed process after a pause that doubles with each crash in a row, saying so', async () => {
    const { start, starts } = job([CRASH, CRASH, CRASH, CRASH, RUN]);
    supervised = await supervise('worker', start, fast);
    await until(() => lines.includes('worker is running again (restart 4)'), 'the fourth restart');
    expect(starts()).toBe(5);
    expect(supervised.restarts()).toBe(4);
    const seeLog = `; see ${path.join(dir, 'job.log')}`;
    expect(lines).toEqual([
      `worker exited with code 1; restarting in 0.05 s (restart 1)${seeLog}`,
      'worker is running again (restart 1)',
      `worker exited with code 1; restarting in 0.1 s (restart 2)${seeLog}`,
      'worker is running again (restart 2)',
      `worker exited with code 1; restarting in 0.2 s (restart 3)${seeLog}`,
      'worker is running again (restart 3)',
      // The pause stops growing at maxDelayMs.
      `worker exited with code 1; restarting in 0.2 s (restart 4)${seeLog}`,
      'worker is running again (restart 4)',
    ]);
    // The process's own log tells the same story.
    await supervised.logged();
    expect(await readFile(path.join(dir, 'job.log'), 'utf8')).toMatch(/\[leadflow\] \S+ worker is running again \(restart 4\)\n$/);
    expect(supervised.current().child?.exitCode).toBeNull();
  });

  it('names the signal of a killed process, and starts the pauses over once it stayed up', async () => {
    const { start } = job([RUN]);
    supervised = await supervise('api', start, { ...fast, steadyAfterMs: 300 });
    for (const restart of [1, 2]) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      process.kill(supervised.current().child?.pid as number, 'SIGKILL');
      await until(() => lines.includes(`api is running again (restart ${restart})`), `restart ${restart}`);
    }
    expect(lines.filter((line) => line.includes('killed'))).toEqual([
      `api was killed by SIGKILL; restarting in 0.05 s (restart 1); see ${path.join(dir, 'job.log')}`,
      `api was killed by SIGKILL; restarting in 0.05 s (restart 2); see ${path.join(dir, 'job.log')}`,
    ]);
  });

  it('counts a restart that fails as one more crash, and tries again', async () => {
    const { start: spawnJob } = job([CRASH, RUN]);
    let attempts = 0;
    const start = async () => {
      if (++attempts === 2) throw new Error('port 3000 is in use');
      return spawnJob();
    };
    supervised = await supervise('api', start, fast);
    await until(() => lines.includes('api is running again (restart 2)'), 'the second restart');
    expect(lines[1]).toBe(`api did not start again (port 3000 is in use); restarting in 0.1 s (restart 2); see ${path.join(dir, 'job.log')}`);
  });

  it('restarts nothing once stopped, not even a restart that was waiting', async () => {
    const { start, starts } = job([CRASH, RUN]);
    supervised = await supervise('worker', start, { ...fast, firstDelayMs: 300 });
    await until(() => lines.length === 1, 'the crash');
    await supervised.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(starts()).toBe(1);
    expect(lines).toHaveLength(1);

    const running = job([RUN]);
    supervised = await supervise('worker', running.start, fast);
    const child = supervised.current().child;
    await supervised.stop();
    expect(child?.signalCode).toBe('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(running.starts()).toBe(1);
    expect(lines).toHaveLength(1);
  });
});
