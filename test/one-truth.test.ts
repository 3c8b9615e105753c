/**
 * One lead, one truth, on the real stack: the histories that used to give three answers (live,
 * simulated, rescored) each give one, through the API. Events are dated relative to now.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { daysAgo } from './support/clock';
import { eventually, request } from './support/http';
import { ownDatabase } from './support/database';

const run = Date.now().toString(36);
// A model of this file's own: its rescoring marks only its versions.
const modelId = `truth-${run}`;
let api: AppProcess;
let worker: AppProcess;
let base: string;

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), modelId), logDir: path.join(inject('runDir'), 'one-truth'), extra: { LEADFLOW_MODEL_ID: modelId } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
});

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
});

type Sent = { type: string; properties?: Record<string, string>; daysAgo: number };

async function send(leadId: string, events: Sent[]): Promise<void> {
  const batch = events.map((e, i) => ({ eventId: `${leadId}-${i}`, leadId, type: e.type, properties: e.properties ?? {}, occurredAt: daysAgo(e.daysAgo) }));
  const sent = await request(base, 'POST', '/api/events/batch', { events: batch });
  expect(sent.body, JSON.stringify(sent.body)).toMatchObject({ accepted: events.length });
}

const lead = (leadId: string) => request(base, 'GET', `/api/leads/${leadId}`).then((r) => r.body);
const ledger = (leadId: string) => request(base, 'GET', `/api/leads/${leadId}/ledger?limit=500`).then((r) => r.body.entries as any[]);
const settled = (leadId: string, events: number) => eventually(() => lead(leadId), (l) => l?.eventCount === events, `lead ${leadId} to take its ${events} events`);

/** What the lead's page shows, the same whichever path computed it. */
const essence = (l: any) => ({ scores: l.scores, total: l.total, stage: l.stage, stages: l.stageHistory.map((c: any) => [c.stage, c.at, c.reason]), handoff: l.handoff && { handoffId: l.handoff.handoffId, status: l.handoff.status } });
const entries = (list: any[]) => list.map((e) => [e.sequence, e.entryId, e.ruleId, e.points, e.occurredAt, e.reason]);

/** The simulation of the real lead (its whole input log, up to now) ends where its read side is. */
async function simulated(leadId: string) {
  const response = await request(base, 'POST', `/api/models/${modelId}/simulate`, { leadId });
  expect(response.status, JSON.stringify(response.body).slice(0, 500)).toBe(200);
  const last = response.body.steps.at(-1);
  return { scores: last.scores, total: last.total, stage: last.stage, entries: response.body.steps.flatMap((s: any) => s.entries.map((e: any) => [e.ruleId, e.points])) };
}

const forty = `forty-${run}`;
const silent = `silent-${run}`;
const rejected = `rejected-${run}`;
const unsubscribed = `unsub-${run}`;
const twin = `twin-${run}`;
const won = `won-${run}`;

describe('the same history gives the same lead, live, simulated and rescored', () => {
  it('40 quiet days, then an email open: the silence is charged once', async () => {
    await send(forty, [
      { type: 'page_view', properties: { url: '/pricing' }, daysAgo: 40 },
      { type: 'form_submit', properties: { form: 'demo_request' }, daysAgo: 40 },
      { type: 'email_open', daysAgo: 0 },
    ]);
    const live = await settled(forty, 3);
    const inactivity = (await ledger(forty)).filter((e) => e.ruleId === 'decay-inactive');
    expect(inactivity.map((e) => e.points)).toEqual([-10]);
    // It crossed the threshold when its demo request happened; LeadFlow recorded that just now.
    const crossing = live.stageHistory.find((change: any) => change.stage === 'mql');
    expect(Date.now() - Date.parse(crossing.at)).toBeGreaterThan(39 * 86_400_000);
    expect(Date.now() - Date.parse(crossing.recordedAt)).toBeLessThan(3_600_000);
    const sim = await simulated(forty);
    expect({ scores: sim.scores, total: sim.total, stage: sim.stage }).toEqual({ scores: live.scores, total: live.total, stage: live.stage });
    expect(sim.entries).toEqual((await ledger(forty)).map((e) => [e.ruleId, e.points]));
  });

  it('113 quiet days: decay taken once per step, and no handoff waiting in the sales queue', async () => {
    await send(silent, [
      { type: 'page_view', properties: { url: '/pricing' }, daysAgo: 113 },
      { type: 'form_submit', properties: { form: 'demo_request' }, daysAgo: 113 },
    ]);
    const live = await settled(silent, 2);
    const inactivity = (await ledger(silent)).filter((e) => e.ruleId === 'decay-inactive');
    // -10 per 30 quiet days: at 30, 60 and 90 days; never twice for the same gap.
    expect(inactivity.map((e) => e.points)).toEqual([-10, -10, -10]);
    expect(live.handoff?.status).not.toBe('pending');
    expect(live.stage).not.toBe('mql');
    const sim = await simulated(silent);
    expect({ scores: sim.scores, total: sim.total, stage: sim.stage }).toEqual({ scores: live.scores, total: live.total, stage: live.stage });
  });

  it('a rejection keeps its reset and cool-down', async () => {
    await send(rejected, [
      { type: 'page_view', properties: { url: '/pricing' }, daysAgo: 0 },
      { type: 'form_submit', properties: { form: 'demo_request' }, daysAgo: 0 },
    ]);
    await eventually(() => lead(rejected), (l) => l?.stage === 'mql', 'the lead to become MQL');
    const answer = await request(base, 'POST', `/api/handoffs/${rejected}:1/reject`, { reason: 'no_budget', note: 'next year' });
    expect(answer.body).toMatchObject({ stage: 'nurture', scores: { engagement: 0 } });
    const sim = await simulated(rejected);
    expect(sim).toMatchObject({ stage: 'nurture', scores: { engagement: 0 } });
  });

  it('a floor never makes an unsubscribe free: the lead ends below its twin after the same later events', async () => {
    const later: Sent[] = [
      { type: 'page_view', properties: { url: '/pricing' }, daysAgo: 0 },
      { type: 'email_click', daysAgo: 0 },
    ];
    await send(unsubscribed, [{ type: 'unsubscribe', daysAgo: 1 }, ...later]);
    await send(twin, later);
    const [a, b] = [await settled(unsubscribed, 3), await settled(twin, 2)];
    expect(a.total).toBeLessThan(b.total);
    const unsubscribe = (await ledger(unsubscribed)).find((e) => e.eventType === 'unsubscribe');
    expect(unsubscribe).toMatchObject({ points: 0 });
    expect(unsubscribe.reason).toMatch(/owed/);
  });

  it('a CRM outcome from an open stage: won on an MQL makes a customer and closes its handoff', async () => {
    await send(won, [
      { type: 'page_view', properties: { url: '/pricing' }, daysAgo: 0 },
      { type: 'form_submit', properties: { form: 'demo_request' }, daysAgo: 0 },
    ]);
    await eventually(() => lead(won), (l) => l?.stage === 'mql', 'the lead to become MQL');
    const outcome = await request(base, 'POST', '/api/events', { eventId: `${won}-won`, leadId: won, type: 'crm_outcome', properties: { outcome: 'won' }, occurredAt: daysAgo(0) });
    expect(outcome.status).toBe(202);
    const customer = await eventually(() => lead(won), (l) => l?.stage === 'customer', 'the lead to become a customer');
    expect(customer.handoff).toMatchObject({ status: 'withdrawn' });
    expect(customer.stageHistory.at(-1).reason).toBe('CRM: won');
  });

  it('a rescoring under unchanged rules changes nothing about any of them', async () => {
    const leads = [forty, silent, rejected, unsubscribed, twin, won];
    const before = await Promise.all(leads.map(async (id) => ({ lead: essence(await lead(id)), ledger: entries(await ledger(id)) })));
    const started = await request(base, 'POST', '/api/rescores', {});
    expect(started.status).toBe(202);
    const version = started.body.modelVersion;
    await eventually(() => request(base, 'GET', `/api/rescores/${version}`), (r) => r.body?.done === true, 'the rescoring to finish', 60_000);
    const after = await Promise.all(leads.map(async (id) => ({ lead: essence(await lead(id)), ledger: entries(await ledger(id)) })));
    expect(after).toEqual(before);
  });
});
