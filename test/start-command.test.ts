/**
 * README's first command, as a user runs it: `npm start` brings everything up and prints URLs
 * that work; Ctrl-C stops every process it started; a second start keeps the data and rebuilds
 * nothing; a process killed under it is started again, and the log says so.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { ROOT } from '../scripts/tools';
import { minute } from './support/clock';
import { eventually, request } from './support/http';

interface Started {
  npm: ChildProcess;
  output: () => string;
  apiUrl: string;
  uiUrl: string;
  temporalUiUrl: string;
  adminKey: string | undefined;
}

const dataDir = path.join(inject('runDir'), 'start-command-data');
let running: Started | undefined;
let ports: Record<string, string>;

afterAll(async () => {
  if (running) await ctrlC(running);
});

async function npmStart(): Promise<Started> {
  ports ??= {
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    MONGO_PORT: String(await freePort()),
    API_PORT: String(await freePort()),
    UI_PORT: String(await freePort()),
  };
  // Its own process group, like a terminal's foreground job, so Ctrl-C can be sent to the group.
  // A user's machine has no admin key provisioned: the first start makes one and prints it.
  const { LEADFLOW_ADMIN_KEY: _provisioned, ...userEnv } = process.env;
  const npm = spawn('npm', ['start'], { cwd: ROOT, detached: true, env: { ...userEnv, ...ports, LEADFLOW_DATA_DIR: dataDir } });
  let text = '';
  npm.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  npm.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await eventually(async () => text, (t) => t.includes('Press Ctrl-C to stop.') || npm.exitCode !== null, 'npm start to be ready', 150_000);
  expect(text).toContain('LeadFlow is running.');
  const url = (label: string) => text.match(new RegExp(`${label}\\s+(http://\\S+)`))?.[1] as string;
  return {
    npm,
    output: () => text,
    apiUrl: url('API').replace(/\/api$/, ''),
    uiUrl: url('Builder UI'),
    temporalUiUrl: url('Temporal Web UI'),
    adminKey: text.match(/Admin API key\s+(lf_\S+)/)?.[1],
  };
}

let adminKey: string;
const asAdmin = () => ({ authorization: `Bearer ${adminKey}` });

/** Every process below `pid`. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** The process under `npm start` whose command line contains `marker`. */
function processOf(started: Started, marker: string): number {
  const below = new Set(descendants(started.npm.pid as number));
  const rows = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).trim().split('\n');
  const found = rows.map((row) => row.trim().split(/\s+/, 2).concat(row)).filter(([pid, , row]) => below.has(Number(pid)) && row!.includes(marker));
  expect(found, `one process running ${marker}`).toHaveLength(1);
  return Number(found[0]![0]);
}

/** A request that fails to connect answers status 0, so polling goes on while a process restarts. */
const tryRequest = (base: string, method: string, route: string, body?: unknown) =>
  request(base, method, route, body, asAdmin()).catch(() => ({ status: 0, body: undefined }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function ctrlC(started: Started): Promise<void> {
  const exited = new Promise((resolve) => started.npm.once('exit', resolve));
  process.kill(-(started.npm.pid as number), 'SIGINT');
  await exited;
}

describe('npm start', () => {
  it('starts everything, prints working URLs, and leaves no process behind on Ctrl-C', async () => {
    running = await npmStart();
    const { apiUrl, uiUrl, temporalUiUrl } = running;
    expect(running.adminKey, 'the first start prints an admin key').toMatch(/^lf_/);
    adminKey = running.adminKey as string;
    // Printed, not kept: neither the logs nor the data folder hold it.
    expect(spawnSync('grep', ['-rl', adminKey, dataDir], { encoding: 'utf8' }).stdout.trim()).toBe('');
    expect((await request(apiUrl, 'GET', '/api/models/current', undefined, { authorization: '' })).status).toBe(401);

    const event = { eventId: 'start-e1', leadId: 'start-l1', type: 'page_view', properties: { url: '/pricing' }, occurredAt: minute(0) };
    expect((await request(apiUrl, 'POST', '/api/events', event, asAdmin())).status).toBe(202);
    await eventually(() => request(apiUrl, 'GET', '/api/leads/start-l1', undefined, asAdmin()), (r) => r.body?.total === 25, 'the event to be scored');
    expect((await fetch(uiUrl)).status).toBe(200);
    expect((await request(uiUrl, 'GET', '/api/models/current', undefined, asAdmin())).body.version).toBe(1);
    expect((await fetch(temporalUiUrl)).status).toBe(200);
    // The embedded Go services run on half the cores, which they share with the worker and the API
    // (the environment's GOMAXPROCS wins); the worker runs its workflow threads without the SDK's
    // stack traces (docs/operations.md).
    const goThreads = process.env.GOMAXPROCS ?? String(Math.max(1, Math.floor(os.availableParallelism() / 2)));
    for (const service of ['ferretdb', 'start-dev']) {
      expect(readFileSync(`/proc/${processOf(running, service)}/environ`, 'utf8').split('\0'), service).toContain(`GOMAXPROCS=${goThreads}`);
    }
    expect(processOf(running, 'workflows/worker-threads.cjs')).toBe(processOf(running, 'workflows/worker.ts'));

    const tree = descendants(running.npm.pid as number);
    expect(tree.length).toBeGreaterThanOrEqual(6);
    await ctrlC(running);
    running = undefined;
    await eventually(async () => tree.filter(alive), (left) => left.length === 0, 'every started process to exit', 20_000);
  });

  it('starts again from the same data without rebuilding anything', async () => {
    running = await npmStart();
    const { apiUrl } = running;
    expect(running.output()).not.toMatch(/building|installing|fetching/i);
    // The key of the first start still works, and no second one is made.
    expect(running.adminKey).toBeUndefined();

    // The lead, its workflow and the model survived the restart: new points add to the old ones.
    expect((await request(apiUrl, 'GET', '/api/leads/start-l1', undefined, asAdmin())).body.total).toBe(25);
    const event = { eventId: 'start-e2', leadId: 'start-l1', type: 'email_click', properties: {}, occurredAt: minute(60) };
    expect((await request(apiUrl, 'POST', '/api/events', event, asAdmin())).status).toBe(202);
    await eventually(() => request(apiUrl, 'GET', '/api/leads/start-l1', undefined, asAdmin()), (r) => r.body?.total === 40, 'the second event to add up');
    expect((await request(apiUrl, 'GET', '/api/models/current', undefined, asAdmin())).body.version).toBe(1);
  });

  it('starts a killed worker, API, database and Temporal again by itself, and says so', { timeout: 240_000 }, async () => {
    const started = running as Started;
    const { apiUrl } = started;
    expect(started.output()).toContain('A process that stops on its own is started again');
    let n = 0;
    const scoredAfterwards = async (what: string) => {
      const eventId = `start-restart-${++n}`;
      const event = { eventId, leadId: eventId, type: 'page_view', properties: { url: '/pricing' }, occurredAt: minute(120) };
      await eventually(() => tryRequest(apiUrl, 'POST', '/api/events', event), (r) => r.status === 202, `an event to be accepted ${what}`, 90_000);
      await eventually(() => tryRequest(apiUrl, 'GET', `/api/leads/${eventId}`), (r) => r.body?.total === 25, `an event to be scored ${what}`, 90_000);
    };

    const worker = processOf(started, 'workflows/worker.ts');
    const api = processOf(started, 'api/index.ts');
    process.kill(worker, 'SIGKILL');
    process.kill(api, 'SIGKILL');
    await eventually(async () => started.output(), (t) => t.includes('worker is running again') && t.includes('API is running again'), 'the worker and the API to restart', 90_000);
    expect(started.output()).toMatch(/worker was killed by SIGKILL; restarting in 1 s \(restart 1\); see \S+worker\.log/);
    expect(started.output()).toMatch(/API was killed by SIGKILL; restarting in 1 s \(restart 1\); see \S+api\.log/);
    expect(processOf(started, 'workflows/worker.ts')).not.toBe(worker);
    expect((await tryRequest(apiUrl, 'GET', '/api/health')).status).toBe(200);
    await scoredAfterwards('after the worker and the API were killed');

    process.kill(processOf(started, 'ferretdb'), 'SIGKILL');
    process.kill(processOf(started, 'start-dev'), 'SIGKILL');
    await eventually(async () => started.output(), (t) => t.includes('FerretDB is running again') && t.includes('Temporal is running again'), 'the services to restart', 90_000);
    expect(started.output()).toMatch(/FerretDB was killed by SIGKILL; restarting in 1 s \(restart 1\)/);
    expect(started.output()).toMatch(/Temporal was killed by SIGKILL; restarting in 1 s \(restart 1\)/);
    await scoredAfterwards('after the database and Temporal were killed');
    // The lead of the first start kept its workflow and its points through all of it.
    expect((await tryRequest(apiUrl, 'GET', '/api/leads/start-l1')).body.total).toBe(40);
  });
});
