/**
 * The live model on the real stack: LEADFLOW_MODEL_ID names it on the first start only; PUT
 * /api/live-model switches it (audited, refused without changing anything when the model cannot
 * score), and the next event is scored by the new model's newest version, in the worker and in
 * the API's bulk start of new leads alike.
 */
import { Client, Connection } from '@temporalio/client';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { b2bDefaultGraph } from '../rules/templates';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess, type StackEnv } from '../scripts/stack';
import { ownDatabase } from './support/database';
import { eventually, request } from './support/http';

const run = Date.now().toString(36);
const first = `live-a-${run}`;
const second = `live-b-${run}`;
const unpublished = `live-c-${run}`;
let env: StackEnv;
let api: AppProcess;
let worker: AppProcess;
let base: string;
const as: Record<string, Record<string, string>> = {};

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
const pricingVisit = (leadId: string, n: number) => request(base, 'POST', '/api/events', { eventId: `${leadId}-${n}`, leadId, type: 'page_view', properties: { url: '/pricing' }, occurredAt: minutesAgo(10 - n) }, as.ingest);
const ledger = (leadId: string) => request(base, 'GET', `/api/leads/${leadId}/ledger?limit=500`).then((r) => (r.status === 200 ? (r.body.entries as Array<{ eventId: string; ruleId: string; points: number; modelVersion: number }>) : []));
const keyPagePoints = (entries: Awaited<ReturnType<typeof ledger>>) => entries.filter((e) => e.ruleId === 'key-page-points').map((e) => [e.eventId, e.points, e.modelVersion]);

beforeAll(async () => {
  env = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), first), logDir: path.join(inject('runDir'), 'live-model'), extra: { LEADFLOW_MODEL_ID: first } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
  for (const role of ['marketing', 'reviewer', 'ingest'] as const) {
    const made = await request(base, 'POST', '/api/keys', { name: `live ${role}`, role });
    expect(made.status).toBe(201);
    as[role] = { authorization: `Bearer ${made.body.key}` };
  }
  // A second model whose pricing visit is worth 40 where the first's is worth 20, published once.
  const graph = { ...b2bDefaultGraph, nodes: b2bDefaultGraph.nodes.map((n) => (n.id === 'key-page-points' ? { ...n, points: 40 } : n)) };
  const created = await request(base, 'POST', '/api/models', { modelId: second, name: 'Pricing-heavy', graph }, as.marketing);
  expect(created.status).toBe(201);
  expect((await request(base, 'POST', `/api/models/${second}/publish`, { revision: created.body.draft.revision, changeNote: 'pricing counts double' }, as.marketing)).status).toBe(201);
  expect((await request(base, 'POST', '/api/models', { modelId: unpublished, name: 'Never published', template: 'b2b-default' }, as.marketing)).status).toBe(201);
});

afterAll(async () => {
  await Promise.all([api?.stop(), worker?.stop()]);
});

describe('the live model', () => {
  it('is the model LEADFLOW_MODEL_ID named on the first start, and a restart with another id keeps it', async () => {
    expect(await request(base, 'GET', '/api/live-model', undefined, as.reviewer)).toMatchObject({ status: 200, body: { modelId: first, version: 1, setBy: 'leadflow' } });
    const again = await startApi({ ...env, logDir: path.join(env.logDir, 'again'), extra: { LEADFLOW_MODEL_ID: second } }, await freePort());
    try {
      expect((await request(again.url as string, 'GET', '/api/live-model')).body).toMatchObject({ modelId: first });
    } finally {
      await again.stop();
    }
  });

  it('refuses a switch it cannot make, changing nothing', async () => {
    expect(await request(base, 'PUT', '/api/live-model', { modelId: 'no-such-model' }, as.marketing)).toMatchObject({ status: 404 });
    const notPublished = await request(base, 'PUT', '/api/live-model', { modelId: unpublished }, as.marketing);
    expect(notPublished).toMatchObject({ status: 409, body: { error: { fields: [{ path: 'body.modelId' }] } } });
    expect(notPublished.body.error.message).toContain('publish it before making it live');
    const badId = await request(base, 'PUT', '/api/live-model', { modelId: 'not an id' }, as.marketing);
    expect(badId).toMatchObject({ status: 400 });
    expect(badId.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['body.modelId']);
    expect((await request(base, 'PUT', '/api/live-model', { modelId: second }, as.reviewer)).status).toBe(403);
    expect((await request(base, 'PUT', '/api/live-model', { modelId: second }, as.ingest)).status).toBe(403);
    expect((await request(base, 'GET', '/api/live-model')).body.modelId).toBe(first);
  });

  it('switched through the API, scores the next event with the new model: an existing lead and a new one', async () => {
    const known = `live-known-${run}`;
    expect((await pricingVisit(known, 1)).status).toBe(202);
    await eventually(() => ledger(known), (entries) => keyPagePoints(entries).length === 1, 'the first model to score the visit', 60_000);
    expect(keyPagePoints(await ledger(known))).toEqual([[`${known}-1`, 20, 1]]);

    const switched = await request(base, 'PUT', '/api/live-model', { modelId: second }, as.marketing);
    expect(switched).toMatchObject({ status: 200, body: { modelId: second, name: 'Pricing-heavy', version: 1, setBy: 'live marketing' } });
    expect((await request(base, 'GET', '/api/live-model')).body).toMatchObject({ modelId: second, version: 1 });
    const audit = (await request(base, 'GET', `/api/models/${second}/audit`)).body.entries;
    expect(audit.at(-1)).toMatchObject({ action: 'live_model.changed', actor: 'live marketing', modelId: second, version: 1, note: `was ${first}` });
    expect((await request(base, 'GET', '/api/models/current')).body).toMatchObject({ modelId: second, version: 1 });

    // The worker and the API trust what they read of the live model for about a second.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await pricingVisit(known, 2)).status).toBe(202);
    const fresh = `live-fresh-${run}`;
    const batch = await request(base, 'POST', '/api/events/batch', { events: [{ eventId: `${fresh}-1`, leadId: fresh, type: 'page_view', properties: { url: '/pricing' }, occurredAt: minutesAgo(5) }] }, as.ingest);
    expect(batch.status).toBeLessThan(300);

    // Version 1 of the second model: 40 for the visit, plus the key page's repeat bonus of 5 for the known lead.
    await eventually(() => ledger(known), (entries) => keyPagePoints(entries).length === 2, 'the second model to score the next visit', 60_000);
    expect(keyPagePoints(await ledger(known))).toEqual([
      [`${known}-1`, 20, 1],
      [`${known}-2`, 45, 1],
    ]);
    await eventually(() => ledger(fresh), (entries) => keyPagePoints(entries).length === 1, 'the new lead to be scored', 60_000);
    expect(keyPagePoints(await ledger(fresh))).toEqual([[`${fresh}-1`, 40, 1]]);
  });

  it('starts a new lead of a batch with the model its first turn was scored under: its next event is scored under it without asking the worker', async () => {
    const fresh = `live-started-${run}`;
    const event = (n: number, ago: number) => ({ eventId: `${fresh}-${n}`, leadId: fresh, type: 'page_view', properties: { url: '/pricing' }, occurredAt: minutesAgo(ago) });
    expect((await request(base, 'POST', '/api/events/batch', { events: [event(1, 5)] }, as.ingest)).status).toBeLessThan(300);
    await eventually(() => ledger(fresh), (entries) => keyPagePoints(entries).length === 1, 'the new lead to be scored', 60_000);
    expect((await request(base, 'POST', '/api/events', event(2, 1), as.ingest)).status).toBe(202);
    await eventually(() => ledger(fresh), (entries) => keyPagePoints(entries).length === 2, 'the next visit to be scored', 60_000);
    // The live model's version 1: 40 for each visit, and the key page's repeat bonus of 5 for the second.
    expect(keyPagePoints(await ledger(fresh))).toEqual([
      [`${fresh}-1`, 40, 1],
      [`${fresh}-2`, 45, 1],
    ]);
    // Its workflow came with the model: no turn asked the worker for it.
    const { modelAsked, localActivities, startedWithModel } = await workflowHistory(fresh);
    expect(modelAsked).toBe(0);
    expect(localActivities).toBeGreaterThan(0);
    expect(startedWithModel).toBe(true);
  });

  it('starts a new lead of an import without the model (a backfill): its next event asks the worker for it once and is scored under it', async () => {
    const imported = `live-imported-${run}`;
    const row = (n: number, ago: number) => JSON.stringify({ eventId: `${imported}-${n}`, leadId: imported, type: 'page_view', properties: { url: '/pricing' }, occurredAt: minutesAgo(ago) });
    const answer = await fetch(`${base}/api/imports/events?format=ndjson&importId=${imported}`, { method: 'POST', headers: { ...as.ingest, 'content-type': 'application/x-ndjson' }, body: `${row(1, 6)}\n` });
    expect(answer.status).toBe(200);
    await eventually(() => ledger(imported), (entries) => keyPagePoints(entries).length === 1, 'the imported lead to be scored', 60_000);
    expect((await startedInput(imported)).model).toBeUndefined();

    expect((await request(base, 'POST', '/api/events', { ...JSON.parse(row(2, 1)) }, as.ingest)).status).toBe(202);
    expect((await request(base, 'POST', '/api/events', { ...JSON.parse(row(3, 0.5)) }, as.ingest)).status).toBe(202);
    await eventually(() => ledger(imported), (entries) => keyPagePoints(entries).length === 3, 'the live visits to be scored', 60_000);
    // The live model's version 1: 40 for each visit, plus the key page's repeat bonus of 5 a repeat (at most 10).
    expect(keyPagePoints(await ledger(imported))).toEqual([
      [`${imported}-1`, 40, 1],
      [`${imported}-2`, 45, 1],
      [`${imported}-3`, 50, 1],
    ]);
    const { modelAsked, startedWithModel } = await workflowHistory(imported);
    expect(startedWithModel).toBe(false);
    expect(modelAsked).toBe(1);
  });
});

/** The input a lead's workflow was started with. */
async function startedInput(leadId: string): Promise<{ model?: unknown }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const { events } = await new Client({ connection }).workflow.getHandle(`lead:${leadId}`).fetchHistory();
    const data = events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    return JSON.parse(new TextDecoder().decode(data as Uint8Array)) as { model?: unknown };
  } finally {
    await connection.close();
  }
}

/** From a lead's workflow history: how many turns asked the worker for the model, how many local activities ran, whether it started with the model. */
async function workflowHistory(leadId: string): Promise<{ modelAsked: number; localActivities: number; startedWithModel: boolean }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const { events } = await new Client({ connection }).workflow.getHandle(`lead:${leadId}`).fetchHistory();
    const markers = (events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    const modelAsked = markers.filter((e) => {
      const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
      return data !== undefined && data !== null && (JSON.parse(new TextDecoder().decode(data)) as { activity_type?: string }).activity_type === 'modelNews';
    }).length;
    return { modelAsked, localActivities: markers.length, startedWithModel: (await startedInput(leadId)).model !== undefined };
  } finally {
    await connection.close();
  }
}
