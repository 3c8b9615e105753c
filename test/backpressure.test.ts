/**
 * Backpressure on the real stack: an API allowed only a few event deliveries in flight, flooded by
 * concurrent batches. It refuses what does not fit with 503 `overloaded` and a Retry-After, having
 * stored none of it; a client that waits and retries gets every event in, each applied once. A
 * flood to one lead (its events go in one signal per batch) crowds out no other lead.
 */
import mongoose from 'mongoose';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventRepository, type EventRepository } from '../api/db/events.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import type { LeadEvent } from '../engine/types';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { minute } from './support/clock';
import { eventually } from './support/http';

const run = Date.now().toString(36);
const LIMIT = 12;
const BATCHES = 10;
const LEADS_PER_BATCH = 8;

let api: AppProcess;
let worker: AppProcess;
let db: typeof mongoose;
let events: EventRepository;
let leads: LeadRepository;
const mongoUri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_backpressure_${run}`;
  return url.toString();
})();

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri, logDir: path.join(inject('runDir'), 'backpressure'), extra: { LEADFLOW_MAX_DELIVERIES_IN_FLIGHT: String(LIMIT) } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  db = await new mongoose.Mongoose().connect(mongoUri);
  events = createEventRepository(db.connection);
  leads = createLeadRepository(db.connection);
});

afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
  await Promise.all([api?.stop(), worker?.stop()]);
});

/** Sends a batch, as a well-behaved client does: on 503 it waits as told and sends it again. */
async function sendUntilAccepted(batch: LeadEvent[], refusals: Array<{ retryAfter: string | null; storedMeanwhile: number }>): Promise<void> {
  for (;;) {
    const response = await fetch(`${api.url}/api/events/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${inject('adminKey')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: batch }),
    });
    const body = await response.json();
    if (response.status === 202) {
      expect(body).toMatchObject({ accepted: batch.length, duplicate: 0, rejected: 0, failed: 0 });
      return;
    }
    expect({ status: response.status, code: body.error?.code }).toEqual({ status: 503, code: 'overloaded' });
    // Refused whole: none of its events was stored.
    const [Event] = [events.model];
    refusals.push({ retryAfter: response.headers.get('retry-after'), storedMeanwhile: await Event.countDocuments({ _id: { $in: batch.map((e) => e.eventId) } }) });
    await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after')) * 1000));
  }
}

describe('backpressure on event ingestion', { timeout: 300_000 }, () => {
  it('refuses what does not fit with 503 and Retry-After, stores none of it, and a retrying client loses and duplicates nothing', async () => {
    const batches = Array.from({ length: BATCHES }, (_, b) =>
      Array.from({ length: LEADS_PER_BATCH }, (_, l) => {
        const leadId = `bp-${run}-${b}-${l}`;
        return [0, 1].map((n): LeadEvent => ({ eventId: `${leadId}-${n}`, leadId, type: 'email_open', properties: {}, occurredAt: minute(n) }));
      }).flat(),
    );
    const refusals: Array<{ retryAfter: string | null; storedMeanwhile: number }> = [];
    await Promise.all(batches.map((batch) => sendUntilAccepted(batch, refusals)));
    // At most one batch of eight leads fits beside another: most of ten sent at once are refused at first.
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(Number(refusal.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(refusal.storedMeanwhile).toBe(0);
    }
    const leadIds = batches.flatMap((batch) => [...new Set(batch.map((e) => e.leadId))]);
    for (const leadId of leadIds) {
      await eventually(() => leads.getLead(leadId), (lead) => lead?.eventCount === 2, `${leadId} to score its two events once`, 60_000);
    }
    expect(await events.model.countDocuments({})).toBe(BATCHES * LEADS_PER_BATCH * 2);
  });

  it("absorbs a flood of events to one lead (one delivery per batch) without refusing another lead's events", async () => {
    const leadId = `bp-${run}-flood`;
    const flood = Array.from({ length: 20 }, (_, b) => Array.from({ length: 50 }, (_, n): LeadEvent => ({ eventId: `${leadId}-${b}-${n}`, leadId, type: 'page_view', properties: { url: '/blog/scoring-101' }, occurredAt: minute(b) })));
    const other: LeadEvent = { eventId: `bp-${run}-other-0`, leadId: `bp-${run}-other`, type: 'email_open', properties: {}, occurredAt: minute(1) };
    const refusals: Array<{ retryAfter: string | null; storedMeanwhile: number }> = [];
    // Ten batches at a time to the one lead: each holds one delivery, so all fit under the limit.
    // Batches overtake each other, so the lead refolds late events and rewrites its ledger from
    // there (in parts when it is long: test/long-life.test.ts).
    let next = 0;
    const sending = Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < flood.length) await sendUntilAccepted(flood[next++] as LeadEvent[], refusals);
      }),
    );
    const single = await fetch(`${api.url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${inject('adminKey')}`, 'content-type': 'application/json' }, body: JSON.stringify(other) });
    expect(single.status).toBe(202);
    await sending;
    expect(refusals).toEqual([]);
    await eventually(() => leads.getLead(leadId), (lead) => lead?.eventCount === 1_000, 'the flooded lead to score all 1,000 events', 180_000);
    await eventually(() => leads.getLead(other.leadId), (lead) => lead?.eventCount === 1, 'the other lead to score its event');
  });
});
