/**
 * A long life on the real stack: a lead with thousands of events gets one dated before all of
 * them. Its workflow reads its stored log back, refolds from the start and rewrites its whole
 * ledger, more than one activity's payload can carry, so in parts; the read side must then be
 * exactly what replaying the lead's input log gives.
 */
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createLeadHistoryRepository } from '../api/db/lead-histories.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { createModelVersionRepository } from '../api/db/model-versions.repository';
import { lifecycleModel, replay } from '../engine/lifecycle/lifecycle';
import type { LedgerEntry } from '../engine/lead-records';
import { createScorer } from '../engine/score-event';
import type { LeadEvent } from '../engine/types';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { daysAgo } from './support/clock';
import { eventually, request } from './support/http';

const run = Date.now().toString(36);
const modelId = `long-life-${run}`;
const leadId = `long-${run}`;
const EVENTS = 5_000;
let api: AppProcess;
let worker: AppProcess;
let db: typeof mongoose;
let leads: LeadRepository;
const mongoUri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_long_${run}`;
  return url.toString();
})();

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri, logDir: path.join(inject('runDir'), 'long-life'), extra: { LEADFLOW_MODEL_ID: modelId } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  db = await new mongoose.Mongoose().connect(mongoUri);
  leads = createLeadRepository(db.connection);
});

afterAll(async () => {
  // Its workflow never ends by itself: end it, so that no later test's worker (same task queue) takes it up.
  const connection = await Connection.connect({ address: inject('temporalAddress') }).catch(() => undefined);
  if (connection) await new Client({ connection }).workflow.getHandle(`lead:${leadId}`).terminate('test finished').catch(() => undefined);
  await connection?.close();
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
  await Promise.all([api?.stop(), worker?.stop()]);
});

it('takes an event dated before thousands of others: the whole ledger rewritten, in parts, as the replay of its log', { timeout: 300_000 }, async () => {
  // Five thousand events over the last three days, in order, a thousand a batch.
  const start = Date.parse(daysAgo(3));
  const events = Array.from({ length: EVENTS }, (_, i): LeadEvent => ({ eventId: `${leadId}-${i}`, leadId, type: i % 2 ? 'email_open' : 'page_view', properties: i % 2 ? {} : { url: '/blog/scoring-101' }, occurredAt: new Date(start + i * 40_000).toISOString() }));
  for (let first = 0; first < EVENTS; first += 1_000) {
    expect((await request(api.url as string, 'POST', '/api/events/batch', { events: events.slice(first, first + 1_000) })).body).toMatchObject({ accepted: 1_000 });
  }
  const lived = await eventually(() => leads.getLead(leadId), (lead) => lead?.eventCount === EVENTS, `${leadId} to score its ${EVENTS} events`, 240_000);
  const late: LeadEvent = { eventId: `${leadId}-late`, leadId, type: 'page_view', properties: { url: '/pricing' }, occurredAt: new Date(start - 60_000).toISOString() };
  expect((await request(api.url as string, 'POST', '/api/events', late)).status).toBe(202);
  const after = await eventually(() => leads.getLead(leadId), (lead) => lead?.eventCount === EVENTS + 1, `${leadId} to take the late event`, 240_000);
  // More than two parts' worth of entries were rewritten.
  expect(lived!.ledgerSize).toBeGreaterThan(4_000);

  const stored = await leads.ledger(leadId, 100_000);
  const log = (await createLeadHistoryRepository(db.connection).completeHistories([{ leadId, inputCount: after!.inputCount ?? 0 }])).get(leadId);
  expect(log).toHaveLength(EVENTS + 1);
  const published = await createModelVersionRepository(db.connection).latest(modelId);
  const replayed: LedgerEntry[] = [];
  await replay(leadId, log!, new Date().toISOString(), lifecycleModel(published!.version, published!.compiled, createScorer(published!.compiled)), (step) => void replayed.push(...step.ledger));
  expect(stored).toHaveLength(after!.ledgerSize);
  expect(stored.length).toBe(replayed.length);
  // The late visit to the pricing page is scored where it happened: before everything else.
  expect(stored.findIndex((entry) => entry.eventId === late.eventId)).toBe(0);
  // Every entry is the replay's, in order.
  for (let i = 0; i < stored.length; i += 1) if (JSON.stringify(stored[i]) !== JSON.stringify(replayed[i])) expect({ i, entry: stored[i] }).toEqual({ i, entry: replayed[i] });
});
