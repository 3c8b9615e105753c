/**
 * The bulk rescoring on the real stack (API, worker, Temporal dev server, MongoDB protocol):
 * 100 leads x 20 events are rescored under a new model version through POST /api/rescores.
 * Every lead's read side must at once have exactly the scores that replaying its own events one
 * lead at a time gives (the per-lead rescore activity), with a ledger that adds up to them;
 * events that arrive during the rescoring must count once; the progress must reach done; and
 * after each lead's next event (a lead whose result waited in its read side takes it first) its
 * workflow and its read side must agree.
 */
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import path from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createEventRepository } from '../api/db/events.repository';
import { createLeadHistoryRepository } from '../api/db/lead-histories.repository';
import { createLeadRepository } from '../api/db/leads.repository';
import { createModelVersionRepository } from '../api/db/model-versions.repository';
import type { LeadEvent } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import { freePort } from '../scripts/services';
import { seedLeads } from '../scripts/bench-rescore';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { createLeadActivities } from '../workflows/lead.activities';
import { leadStateQuery, leadWorkflowId, type LeadSnapshot } from '../workflows/lead.definitions';
import { eventually, request } from './support/http';

const LEADS = 100;
const EVENTS = 20;
const run = Date.now().toString(36);
const modelId = `rescore-bulk-${run}`;
const prefix = `bulk-${run}-`;
const leadIds = Array.from({ length: LEADS }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);
let api: AppProcess;
let worker: AppProcess;
let base: string;
let db: typeof mongoose;
let temporal: Client;
// A database of its own on the same server: FerretDB v1 scans whole collections, so thousands of
// seeded rows in the shared database would slow every later test down.
const mongoUri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_bulk_${run}`;
  return url.toString();
})();

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri, logDir: path.join(inject('runDir'), 'rescore-bulk'), extra: { LEADFLOW_MODEL_ID: modelId } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
  db = await new mongoose.Mongoose().connect(mongoUri);
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});

afterAll(async () => {
  // Lead workflows never end by themselves; end this test's so no later worker picks them up.
  await Promise.all(leadIds.map((leadId) => temporal?.workflow.getHandle(leadWorkflowId(leadId)).terminate('test finished').catch(() => undefined)));
  await temporal?.connection.close();
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
  await Promise.all([api?.stop(), worker?.stop()]);
});

it('rescores 100 leads in bulk exactly as replaying each lead alone would, keeps events that arrive meanwhile, and reports progress to done', { timeout: 900_000 }, async () => {
  const events = createEventRepository(db.connection);
  const leads = createLeadRepository(db.connection);
  const [Lead, Ledger] = leads.models;
  const versions = createModelVersionRepository(db.connection);
  await eventually(() => versions.latest(modelId), (v) => v?.version === 1, 'the API to publish version 1');

  // Seeding: events, snapshots, ledger and handoffs go straight into the store, and each lead's
  // workflow starts with the state it would hold after scoring its events under version 1 (as
  // after a continue-as-new). Through the API, FerretDB would scan the whole event store for each
  // event it records, and a hundred workflows writing at once only meet SQLite's write lock.
  const v1 = (await versions.get(modelId, 1))!;
  await seedLeads({ events, histories: createLeadHistoryRepository(db.connection), leads, temporal, model: { version: 1, compiled: v1.compiled }, withLedger: true }, leadIds.map((leadId, lead) => ({ leadId, events: timeline(leadId, lead) })));
  const scoredV1 = () => Lead.countDocuments({ leadId: { $gte: prefix, $lt: `${prefix}~` }, eventCount: EVENTS, modelVersion: 1 });
  expect(await scoredV1()).toBe(LEADS);

  // One lead's next event is already stored but not yet delivered when the rescoring reads the
  // store: its workflow must not take a result that counts an event it has not seen.
  const [late, ...rest] = leadIds as [string, ...string[]];
  const lateEvent: LeadEvent = { eventId: `${late}-late`, leadId: late, type: 'page_view', properties: { url: '/pricing' }, occurredAt: new Date().toISOString() };
  await events.record(lateEvent);

  // Version 2 values the pricing page twice as much.
  const graph = ruleGraphSchema.parse({ ...b2bDefaultGraph, nodes: b2bDefaultGraph.nodes.map((n) => (n.id === 'key-page-points' ? { ...n, points: 40 } : n)) });
  await versions.model.create({ modelId, version: 2, name: graph.name, graph, compiled: compileGraph(graph), changeNote: 'pricing page 40', publishedAt: new Date() });

  const started = await request(base, 'POST', '/api/rescores', {});
  expect(started).toMatchObject({ status: 202, body: { modelVersion: 2, progress: '/api/rescores/2' } });
  // Events keep arriving while the rescoring runs.
  const during = rest.slice(0, 10).map((leadId, i): LeadEvent => ({ eventId: `${leadId}-during`, leadId, type: i % 2 ? 'email_click' : 'page_view', properties: { url: '/pricing' }, occurredAt: new Date().toISOString() }));
  const sent = await request(base, 'POST', '/api/events/batch', { events: during });
  expect(sent.body).toMatchObject({ accepted: during.length });

  const progress = await eventually(() => request(base, 'GET', '/api/rescores/2'), (r) => r.body?.done === true, 'the rescoring to finish', 240_000);
  expect(progress.body).toMatchObject({ modelVersion: 2, done: true });
  expect(progress.body.signalled).toBe(progress.body.total);
  expect(progress.body.rescored + progress.body.deferred + progress.body.missing).toBe(progress.body.signalled);
  expect(progress.body.rescored).toBeGreaterThanOrEqual(LEADS - 11);
  // Idle leads got their result in the read side, without a workflow task.
  expect(progress.body.awaitingTurn).toBeGreaterThan(0);

  // The late event is delivered after all (a retry by its sender): the store has it already.
  expect((await request(base, 'POST', '/api/events', lateEvent)).body).toMatchObject({ status: 'duplicate' });

  // The reference: each lead's events replayed on their own, by the per-lead rescore activity.
  const reference = createLeadActivities({
    modelVersion: async (version) => {
      const found = (await versions.get(modelId, version))!;
      return { version: found.version, compiled: found.compiled };
    },
    eventsForLead: (leadId) => events.forLead(leadId),
  } as Parameters<typeof createLeadActivities>[0]);
  const expected = new Map<string, { scores: Record<string, number>; eventCount: number }>();
  for (const leadId of leadIds) {
    const stored = await events.forLead(leadId);
    const { scores } = await reference.rescoreLead({ leadId, modelVersion: 2 });
    expected.set(leadId, { scores, eventCount: stored.length });
  }
  expect(expected.get(late)!.eventCount).toBe(EVENTS + 1);

  const settled = (snapshot: LeadSnapshot | null) => snapshot?.modelVersion === 2 && snapshot.eventCount === expected.get(snapshot.leadId)!.eventCount;
  for (const leadId of leadIds) await eventually(() => leads.getLead(leadId), settled, `${leadId} to settle under version 2`, 60_000);
  // The read side is rescored at once, whether a lead's workflow has taken its result yet or not.
  await expectReadSide(expected);

  // Every lead's next event: a lead whose result waits in its read side takes it first, then
  // scores the event; its workflow and its read side then agree.
  const next = leadIds.map((leadId): LeadEvent => ({ eventId: `${leadId}-next`, leadId, type: 'email_open', properties: {}, occurredAt: new Date().toISOString() }));
  expect((await request(base, 'POST', '/api/events/batch', { events: next })).body).toMatchObject({ accepted: LEADS });
  for (const leadId of leadIds) {
    const { scores } = await reference.rescoreLead({ leadId, modelVersion: 2 });
    expected.set(leadId, { scores, eventCount: expected.get(leadId)!.eventCount + 1 });
  }
  for (const leadId of leadIds) await eventually(() => leads.getLead(leadId), settled, `${leadId} to score its next event`, 60_000);
  await expectReadSide(expected);
  for (const leadId of leadIds) {
    const state = await temporal.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);
    expect(state).toEqual(await leads.getLead(leadId));
  }

  /** Each lead's read side has the reference scores, and its ledger adds up to them: nothing lost, nothing counted twice. */
  async function expectReadSide(want: Map<string, { scores: Record<string, number>; eventCount: number }>): Promise<void> {
    const ledgerSums = await Ledger.aggregate<{ _id: { leadId: string; score: string }; points: number }>([
      { $match: { leadId: { $gte: prefix, $lt: `${prefix}~` } } },
      { $group: { _id: { leadId: '$leadId', score: '$score' }, points: { $sum: '$points' } } },
    ]);
    const ledger = new Map<string, Record<string, number>>();
    for (const { _id, points } of ledgerSums) ledger.set(_id.leadId, { ...ledger.get(_id.leadId), [_id.score]: points });
    const nonZero = (scores: Record<string, number>) => Object.fromEntries(Object.entries(scores).filter(([, points]) => points !== 0));
    for (const leadId of leadIds) {
      const projection = (await leads.getLead(leadId))!;
      const { scores, eventCount } = want.get(leadId)!;
      expect({ leadId, scores: nonZero(projection.scores), eventCount: projection.eventCount }).toEqual({ leadId, scores: nonZero(scores), eventCount });
      expect({ leadId, ledger: nonZero(ledger.get(leadId) ?? {}) }).toEqual({ leadId, ledger: nonZero(projection.scores) });
    }
  }
});

/** A lead's 20 events: a mix that gives varied scores, some of them over the MQL threshold. */
function timeline(leadId: string, lead: number): LeadEvent[] {
  const start = Date.now() - 2 * 86_400_000;
  const kinds: Array<Pick<LeadEvent, 'type' | 'properties'>> = [
    { type: 'page_view', properties: { url: '/pricing' } },
    { type: 'page_view', properties: { url: '/blog/scoring-101' } },
    { type: 'email_open', properties: {} },
    { type: 'email_click', properties: {} },
    { type: 'page_view', properties: { url: '/careers/sdr' } },
    { type: 'form_submit', properties: { form: 'newsletter' } },
    { type: 'webinar_attended', properties: {} },
  ];
  return Array.from({ length: EVENTS }, (_, i) => ({
    eventId: `${leadId}-${String(i).padStart(2, '0')}`,
    leadId,
    ...kinds[(lead * 7 + i * (1 + (lead % 3))) % kinds.length]!,
    ...(i === 0 && { attributes: { companySize: 50 + ((lead * 37) % 2000), country: lead % 4 ? 'US' : 'BR', seniority: lead % 5 ? 'vp' : 'student' } }),
    occurredAt: new Date(start + i * 3_600_000 + (lead % 60) * 1000).toISOString(),
  }));
}
