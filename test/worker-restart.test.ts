/**
 * Killing the worker in the middle of a stream of events, and starting another, loses and
 * duplicates nothing: events wait durably in Temporal, and every read-side write is idempotent.
 * Real API and worker processes, real Temporal and MongoDB-protocol servers.
 */
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { minute } from './support/clock';
import { eventually, request } from './support/http';

const EVENTS = 300;
let api: AppProcess;
let workers: AppProcess[] = [];
let env: { temporalAddress: string; mongoUri: string; logDir: string };

beforeAll(async () => {
  env = { temporalAddress: inject('temporalAddress'), mongoUri: inject('mongoUri'), logDir: path.join(inject('runDir'), 'worker-restart') };
  api = await startApi(env, await freePort());
});

afterAll(async () => {
  await Promise.all([api?.stop(), ...workers.map((worker) => worker.stop())]);
});

it('loses and duplicates nothing when the worker is killed mid-stream', { timeout: 240_000 }, async () => {
  const leadId = `restart-${Date.now().toString(36)}`;
  const base = api.url as string;
  const send = (i: number) =>
    request(base, 'POST', '/api/events', { eventId: `${leadId}-${i}`, leadId, type: 'email_open', properties: { campaign: `c${i}` }, occurredAt: minute(i) });

  workers.push(await startWorker(env));
  for (let i = 0; i < EVENTS; i++) {
    expect((await send(i)).status).toBe(202);
    if (i === 100) {
      // Mid-stream: wait until the worker is busy with this lead, then kill it without warning.
      await eventually(() => request(base, 'GET', `/api/leads/${leadId}`), (r) => r.status === 200 && r.body.eventCount > 0, 'the first events to be scored');
      const killed = workers[0]!.child;
      process.kill(-(killed.pid as number), 'SIGKILL');
      await new Promise((resolve) => killed.once('exit', resolve));
    }
    if (i === 200) workers.push(await startWorker(env));
    // A client that retries: every 25th event is sent again.
    if (i % 25 === 0) expect((await send(i)).status).toBe(202);
  }

  const lead = await eventually(() => request(base, 'GET', `/api/leads/${leadId}`), (r) => r.body?.eventCount === EVENTS, 'every event to be scored', 120_000);
  expect(lead.body.eventCount).toBe(EVENTS);
  const ledger = (await request(base, 'GET', `/api/leads/${leadId}/ledger?limit=1000`)).body.entries as Array<{ eventId: string; sequence: number; points: number }>;
  expect(ledger).toHaveLength(EVENTS);
  expect(new Set(ledger.map((entry) => entry.eventId)).size).toBe(EVENTS);
  expect(ledger.map((entry) => entry.sequence)).toEqual(Array.from({ length: EVENTS }, (_, i) => i));
  // Engagement is capped at 200 in the default model: 40 opens reach it, the rest add nothing.
  expect(lead.body.scores.engagement).toBe(200);
  expect(ledger.reduce((sum, entry) => sum + entry.points, 0)).toBe(200);
});
