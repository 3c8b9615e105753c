/**
 * Rescoring every lead under a newly published model version, through the API, on the real
 * stack: the rescoring runs as its own workflow with queryable progress, each lead's scores are
 * recomputed from its stored events, and the ledger says what changed.
 */
import mongoose from 'mongoose';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createModelVersionRepository } from '../api/db/model-versions.repository';
import { compileGraph } from '../rules/compile-graph';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { minute } from './support/clock';
import { eventually, request } from './support/http';
import { ownDatabase } from './support/database';

const run = Date.now().toString(36);
// A model id of this test's own, so that publishing version 2 leaves other tests on version 1.
const modelId = `rescore-${run}`;
let api: AppProcess;
let worker: AppProcess;
let base: string;
let db: typeof mongoose;

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri: ownDatabase(inject('mongoUri'), modelId), logDir: path.join(inject('runDir'), 'rescore'), extra: { LEADFLOW_MODEL_ID: modelId } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
  db = await new mongoose.Mongoose().connect(env.mongoUri);
});

afterAll(async () => {
  await db?.disconnect();
  await Promise.all([api?.stop(), worker?.stop()]);
});

const at = (n: number) => minute(60 + n);
const send = (leadId: string, n: number, type: string, properties: Record<string, string> = {}) =>
  request(base, 'POST', '/api/events', { eventId: `${leadId}-${n}`, leadId, type, properties, occurredAt: at(n) });
const lead = (leadId: string, done: (l: any) => boolean, what: string) =>
  eventually(() => request(base, 'GET', `/api/leads/${leadId}`), (r) => r.status === 200 && done(r.body), what).then((r) => r.body);

it('rescores every lead under a new version, with progress: each lead replayed rule by rule, and one that now qualifies handed to sales', async () => {
  const pricing = `pricing-${run}`;
  const demo = `demo-${run}`;
  await send(pricing, 1, 'page_view', { url: '/pricing' });
  await send(pricing, 2, 'email_click');
  await send(demo, 1, 'form_submit', { form: 'demo_request' });
  expect(await lead(pricing, (l) => l.eventCount === 2, 'v1 scoring')).toMatchObject({ total: 40, modelVersion: 1, stage: 'lead' });
  expect(await lead(demo, (l) => l.eventCount === 1, 'v1 scoring')).toMatchObject({ total: 50, modelVersion: 1 });

  // Version 2 values the pricing page twice as much.
  const graph = ruleGraphSchema.parse({ ...b2bDefaultGraph, nodes: b2bDefaultGraph.nodes.map((n) => (n.id === 'key-page-points' ? { ...n, points: 40 } : n)) });
  await createModelVersionRepository(db.connection).model.create({ modelId, version: 2, name: graph.name, graph, compiled: compileGraph(graph), changeNote: 'pricing page 40', publishedAt: new Date() });

  const started = await request(base, 'POST', '/api/rescores', {});
  expect(started).toMatchObject({ status: 202, body: { rescoreId: `rescore:${modelId}:v2`, modelVersion: 2, progress: '/api/rescores/2' } });
  // Asked at once, before a worker has taken it up: its state, not an error.
  const first = await request(base, 'GET', '/api/rescores/2');
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  expect(['queued', 'running', 'done']).toContain(first.body.state);
  const progress = await eventually(() => request(base, 'GET', '/api/rescores/2'), (r) => r.body?.done === true, 'the rescoring to finish');
  expect(progress.body.signalled).toBe(progress.body.total);
  expect(progress.body.total).toBeGreaterThanOrEqual(2);

  const rescored = await lead(pricing, (l) => l.modelVersion === 2 && l.stage === 'mql', 'the pricing lead to be rescored');
  expect(rescored).toMatchObject({ total: 60, handoff: { modelVersion: 2 } });
  expect((await lead(demo, (l) => l.modelVersion === 2, 'the demo lead to be rescored')).total).toBe(50);
  // The replayed ledger, rule by rule under version 2: what each event earns now, not a lump.
  const ledger = (await request(base, 'GET', `/api/leads/${pricing}/ledger`)).body.entries;
  expect(ledger.map((e: any) => [e.ruleId, e.points, e.modelVersion])).toEqual([
    ['visit-points', 5, 2],
    ['key-page-points', 40, 2],
    ['email-click-points', 15, 2],
  ]);
  // The handoff is there for sales, with the rules that qualified the lead.
  const queue = (await request(base, 'GET', '/api/sales/queues/inbound-sales/handoffs')).body.handoffs.find((h: any) => h.leadId === pricing);
  expect(queue.topRules.map((r: any) => [r.ruleId, r.points])).toEqual([
    ['key-page-points', 40],
    ['email-click-points', 15],
    ['visit-points', 5],
  ]);

  expect((await request(base, 'GET', '/api/rescores/99')).status).toBe(404);
  expect((await request(base, 'POST', '/api/rescores', { modelVersion: 99 })).status).toBe(404);
});
