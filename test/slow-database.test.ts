/**
 * Backpressure when the database falls behind, on a database of this file's own: FerretDB is
 * slowed to a crawl (paused most of the time) while clients stream batches of events. Requests
 * then hold their deliveries longer, the API's limit is reached, and the next requests are
 * answered 503 `overloaded` with Retry-After before anything of them is stored. Clients that
 * retry after the time they are told lose nothing and double nothing: once the database keeps up
 * again, every lead has each of its events exactly once.
 */
import { Client, Connection } from '@temporalio/client';
import path from 'node:path';
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createEventRepository } from '../api/db/events.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { freePort, startMongo, type RunningService } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { minute } from './support/clock';
import { eventually } from './support/http';
import { ownService } from './support/own-services';

const run = Date.now().toString(36);
const LEADS = 15;
const EACH = 12;
/** Deliveries in flight before the API refuses: two batches of this file's fit, a third does not. */
const LIMIT = 2 * LEADS;
const dir = () => path.join(inject('runDir'), 'slow-database');
let mongo: RunningService | undefined;
let api: AppProcess;
let worker: AppProcess;
let db: typeof mongoose;
let leads: LeadRepository;

beforeAll(async () => {
  const port = await freePort();
  // Ours alone: this file pauses it.
  mongo = await ownService(() => startMongo({ port, dataDir: path.join(dir(), 'ferretdb'), logFile: path.join(dir(), 'ferretdb.log'), database: 'slow' }));
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: mongo.address, logDir: dir(), extra: { LEADFLOW_MAX_DELIVERIES_IN_FLIGHT: String(LIMIT) } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  db = await new mongoose.Mongoose().connect(mongo.address);
  leads = createLeadRepository(db.connection);
});

afterAll(async () => {
  if (mongo?.pid) process.kill(mongo.pid, 'SIGCONT');
  // Lead workflows never end by themselves: end this file's, so no later test's worker takes them up.
  const connection = await Connection.connect({ address: inject('temporalAddress') }).catch(() => undefined);
  if (connection) {
    const client = new Client({ connection });
    await Promise.all(Array.from({ length: LEADS }, (_, l) => client.workflow.getHandle(`lead:slow-${run}-${l}`).terminate('test finished').catch(() => undefined)));
    await connection.close();
  }
  await db?.disconnect();
  await Promise.all([api?.stop(), worker?.stop()]);
  await mongo?.stop();
});

it('answers 503 with Retry-After while the database crawls, and a retrying client loses and doubles nothing', { timeout: 300_000 }, async () => {
  expect(mongo?.pid, 'a FerretDB process of this file').toBeDefined();
  const event = (l: number, n: number) => ({ eventId: `slow-${run}-${l}-${n}`, leadId: `slow-${run}-${l}`, type: n % 2 ? 'email_open' : 'page_view', properties: n % 2 ? {} : { url: '/blog/scoring-101' }, occurredAt: minute(n) });
  // One batch per round: every lead's n-th event.
  const batches = Array.from({ length: EACH }, (_, n) => Array.from({ length: LEADS }, (_, l) => event(l, n)));
  const refusals: Array<{ code: string; retryAfter: number }> = [];
  let crawling = false;
  const send = async (batch: ReturnType<typeof event>[]) => {
    for (;;) {
      const response = await fetch(`${api.url}/api/events/batch`, { method: 'POST', headers: { authorization: `Bearer ${inject('adminKey')}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: batch }) });
      const body = await response.json();
      if (response.status === 202) {
        expect(body).toMatchObject({ rejected: 0, failed: 0 });
        return;
      }
      expect(response.status).toBe(503);
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      if (crawling) refusals.push({ code: body.error.code, retryAfter });
      // As told, but at most a second here, to keep the test short.
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, 1) * 1000));
    }
  };

  // The first round at full speed: every lead exists.
  await send(batches[0]!);
  // Then the database crawls: paused 450 ms in every 500, for 8 s, while every other round is sent at once.
  crawling = true;
  const pid = mongo!.pid!;
  const crawl = (async () => {
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      process.kill(pid, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 450));
      process.kill(pid, 'SIGCONT');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    crawling = false;
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await Promise.all([crawl, ...batches.slice(1).map(send)]);

  expect(refusals.length, 'requests refused while the database crawled').toBeGreaterThan(0);
  expect(new Set(refusals.map((r) => r.code))).toEqual(new Set(['overloaded']));
  // Caught up: each lead has each of its events once.
  const counts = () => Promise.all(Array.from({ length: LEADS }, async (_, l) => (await leads.getLead(`slow-${run}-${l}`))?.eventCount ?? 0));
  await eventually(counts, (all) => all.every((n) => n === EACH), 'every lead to show its events', 120_000);
  expect(await createEventRepository(db.connection).model.countDocuments({ leadId: { $regex: `^slow-${run}-` } })).toBe(LEADS * EACH);
  const sides = await Promise.all(
    Array.from({ length: LEADS }, async (_, l) => {
      const leadId = `slow-${run}-${l}`;
      return { total: (await leads.getLead(leadId))?.total, entries: (await leads.ledger(leadId, 1_000)).map((e) => e.eventId.replace(`-${l}-`, '-L-')) };
    }),
  );
  // The same history for every lead: a lead that took an event twice, or missed one, would stand out.
  expect(new Set(sides.map((side) => JSON.stringify(side)))).toHaveLength(1);
});
