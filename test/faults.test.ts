/**
 * Faults during a stream of events, on services of this file's own (so that stopping them
 * disturbs no other test): the database stopped for some seconds, the Temporal dev server
 * restarted (its SQLite file keeps the workflows, as `npm start`'s does), and the worker killed
 * under the supervisor `npm start` uses. Clients retry what was refused or went unanswered, with
 * the same event id, and send some events twice on purpose. Nothing is restarted by hand but the
 * stopped services; at the end every acknowledged event is applied exactly once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort, startMongo, startTemporal, type RunningService } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { supervise, type Supervised } from '../scripts/supervisor';
import { minute } from './support/clock';
import { ownService } from './support/own-services';
import { eventually, request } from './support/http';

const LEADS = 6;
const dir = () => path.join(inject('runDir'), 'faults');
let mongoPort: number;
let temporalPort: number;
let mongo: RunningService | undefined;
let temporal: RunningService | undefined;
let api: AppProcess;
let worker: Supervised<AppProcess>;
const supervisorLog: string[] = [];

const startOwnTemporal = () => ownService(() => startTemporal({ port: temporalPort, dbFile: path.join(dir(), 'temporal', 'temporal.db'), logFile: path.join(dir(), 'temporal.log') }));
const startOwnMongo = () => ownService(() => startMongo({ port: mongoPort, dataDir: path.join(dir(), 'ferretdb'), logFile: path.join(dir(), 'ferretdb.log'), database: 'faults' }));

beforeAll(async () => {
  mongoPort = await freePort();
  temporalPort = await freePort();
  [mongo, temporal] = await Promise.all([startOwnMongo(), startOwnTemporal()]);
  const env = { temporalAddress: temporal.address, mongoUri: mongo.address, logDir: dir() };
  api = await startApi(env, await freePort());
  worker = await supervise('worker', () => startWorker(env), { log: (line) => supervisorLog.push(line) });
  // The faults are for a running worker. One still starting (bundling its workflows takes seconds
  // on a busy machine) when Temporal goes down gives up connecting and exits, and its supervisor
  // restarts it: the stack survives, but the test would not be about the worker it kills.
  await eventually(
    () => readFile(worker.current().logFile as string, 'utf8').catch(() => ''),
    (log) => log.includes('worker: polling task queue'),
    'the worker to poll its task queue',
    120_000,
  );
  expect(supervisorLog).toEqual([]);
});

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
  await Promise.all([mongo?.stop(), temporal?.stop()]);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('applies every acknowledged event exactly once through a database outage, a Temporal restart and a killed worker', { timeout: 420_000 }, async () => {
  const base = api.url as string;
  const run = Date.now().toString(36);
  const leads = Array.from({ length: LEADS }, (_, k) => `fault-${run}-${k}`);
  const acknowledged = new Map<string, Set<string>>(leads.map((leadId) => [leadId, new Set()]));
  const refusals: Array<{ status: number; ms: number; code?: string }> = [];
  let unanswered = 0;
  let acked = 0;

  /** Sends one event until it is acknowledged, as a client that retries does. */
  const deliver = async (leadId: string, i: number) => {
    const event = { eventId: `${leadId}-${i}`, leadId, type: 'email_open', properties: { campaign: `c${i}` }, occurredAt: minute(i) };
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const started = Date.now();
      try {
        const response = await fetch(`${base}/api/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${inject('adminKey')}`, 'content-type': 'application/json' },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
        if (response.ok) {
          acknowledged.get(leadId)!.add(event.eventId);
          acked++;
          return;
        }
        refusals.push({ status: response.status, ms: Date.now() - started, code: body?.error?.code });
      } catch {
        // No answer (the API timed out on our side or was unreachable): the same event again.
        unanswered++;
      }
      await sleep(300);
    }
    throw new Error(`event ${event.eventId} was never acknowledged`);
  };

  let done = false;
  const stream = (async () => {
    for (let i = 0; !done; i++) {
      await Promise.all(leads.map((leadId) => deliver(leadId, i)));
      // A client that sends again what was already acknowledged: no effect.
      if (i % 10 === 0) await Promise.all(leads.map((leadId) => deliver(leadId, i)));
    }
  })();
  const ackedGrowsBy = (n: number, what: string) => {
    const target = acked + n;
    return eventually(async () => acked, (count) => count >= target, what, 120_000);
  };

  await ackedGrowsBy(60, 'the stream to flow');
  await mongo!.stop();
  await sleep(5_000);
  mongo = await startOwnMongo();
  await ackedGrowsBy(60, 'events to be acknowledged after the database came back');

  await temporal!.stop();
  await sleep(2_000);
  temporal = await startOwnTemporal();
  await ackedGrowsBy(60, 'events to be acknowledged after Temporal came back');

  const killed = worker.current().child;
  process.kill(killed.pid as number, 'SIGKILL');
  await eventually(async () => supervisorLog, (lines) => lines.some((line) => line.startsWith('worker is running again')), 'the worker to be restarted', 60_000);
  await ackedGrowsBy(60, 'events to be acknowledged after the worker was killed');
  done = true;
  await stream;

  expect(supervisorLog[0]).toMatch(/^worker was killed by SIGKILL; restarting in 1 s \(restart 1\)/);
  // Every request was answered, the outages with 503 (a client then retries). How fast is
  // test/api-outages.test.ts's to check, one request at a time: here requests queue on a busy
  // machine, so only a hang is a failure.
  expect(refusals.length).toBeGreaterThan(0);
  const slowest = [...refusals].sort((a, b) => b.ms - a.ms).slice(0, 5);
  for (const refusal of refusals) expect(refusal.status, JSON.stringify(refusal)).toBe(503);
  expect(new Set(refusals.map((refusal) => refusal.code))).toEqual(new Set(['database_unavailable', 'temporal_unavailable']));
  expect(slowest[0]!.ms, `the slowest refusals: ${JSON.stringify(slowest)} of ${refusals.length}`).toBeLessThan(5_000);
  expect(unanswered).toBe(0);

  for (const leadId of leads) {
    const expected = acknowledged.get(leadId)!.size;
    const lead = await eventually(() => request(base, 'GET', `/api/leads/${leadId}`), (r) => r.body?.eventCount === expected, `every event of ${leadId} to be applied`, 180_000);
    expect(lead.body.eventCount).toBe(expected);
    const ledger = (await request(base, 'GET', `/api/leads/${leadId}/ledger?limit=1000`)).body.entries as Array<{ eventId: string }>;
    expect(ledger).toHaveLength(expected);
    expect(new Set(ledger.map((entry) => entry.eventId))).toEqual(acknowledged.get(leadId));
  }
  // Nothing more arrives later: a lead's count stays where it is.
  await sleep(3_000);
  for (const leadId of leads) expect((await request(base, 'GET', `/api/leads/${leadId}`)).body.eventCount).toBe(acknowledged.get(leadId)!.size);
});
