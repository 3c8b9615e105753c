/**
 * The bulk rescoring on the real stack (API, worker, Temporal dev server, MongoDB protocol).
 * Leads in mixed states — scored live through the API (quiet, about to qualify, MQL, enterprise
 * with a round-robin owner, accepted and rejected by sales, one with a late event), and seeded in
 * bulk as the benchmark seeds them — are rescored first under the version they were scored
 * under, which must change nothing at all, then under a new version. After that every lead's
 * read side (snapshot, ledger, handoffs) must be what the lifecycle core's replay of its stored
 * input log gives under the new version; the leads whose stage or handoff changed must be woken;
 * events that arrive meanwhile count once; the progress adds up; and each lead's next event is
 * scored by a workflow that agrees with its read side.
 */
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventRepository } from '../api/db/events.repository';
import { createLeadHistoryRepository, type LeadHistoryRepository } from '../api/db/lead-histories.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { createModelVersionRepository, type ModelVersionRepository } from '../api/db/model-versions.repository';
import { lifecycleModel, replay, type LifecycleModel } from '../engine/lifecycle/lifecycle';
import { createScorer } from '../engine/score-event';
import type { LeadEvent } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import { freePort } from '../scripts/services';
import { seedLeads, type SeededLead } from '../scripts/bench-rescore';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { leadStateQuery, leadWorkflowId, type Handoff, type LeadSnapshot, type LedgerEntry, type RescoreProgress } from '../workflows/lead.definitions';
import { daysAgo } from './support/clock';
import { eventually, request } from './support/http';

const run = Date.now().toString(36);
const modelId = `rescore-bulk-${run}`;
const prefix = `bulk-${run}-`;
const SEEDED = 40;
const SEEDED_EVENTS = 20;

/** Live leads by what they go through (see `liveEvents`). */
const KINDS = { quiet: 4, pricing: 4, mql: 3, enterprise: 2, 'enterprise-v2': 1, accepted: 2, rejected: 2, late: 1, unqualify: 2 } as const;
type Kind = keyof typeof KINDS;
const live = (Object.entries(KINDS) as Array<[Kind, number]>).flatMap(([kind, count]) => Array.from({ length: count }, (_, i) => ({ kind, leadId: `${prefix}${kind}-${i}` })));
const seededIds = Array.from({ length: SEEDED }, (_, i) => `${prefix}seeded-${String(i).padStart(3, '0')}`);
const leadIds = [...live.map((lead) => lead.leadId), ...seededIds];
const ofKind = (kind: Kind) => live.filter((lead) => lead.kind === kind).map((lead) => lead.leadId);

let api: AppProcess;
let worker: AppProcess;
let base: string;
let db: typeof mongoose;
let temporal: Client;
let histories: LeadHistoryRepository;
let leads: LeadRepository;
let versions: ModelVersionRepository;
// A database of its own on the same server: FerretDB v1 scans whole collections, so these rows in
// the shared database would slow every later test down, and the lead count is this test's own.
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
  histories = createLeadHistoryRepository(db.connection);
  leads = createLeadRepository(db.connection);
  versions = createModelVersionRepository(db.connection);
});

afterAll(async () => {
  // Lead workflows never end by themselves; end this test's so no later worker picks them up.
  await Promise.all(leadIds.map((leadId) => temporal?.workflow.getHandle(leadWorkflowId(leadId)).terminate('test finished').catch(() => undefined)));
  await temporal?.connection.close();
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
  await Promise.all([api?.stop(), worker?.stop()]);
});

interface ReadSide {
  snapshot: LeadSnapshot;
  ledger: LedgerEntry[];
  handoffs: Handoff[];
}

// What the steps below hand on to each other: the file's tests are one lead population's story.
const models = new Map<number, LifecycleModel>();
/** Every lead's read side before the rescorings. */
const before = new Map<string, ReadSide>();
/** The leads whose stage or handoff version 2 changes. */
const changing: string[] = [];
/** The events sent while the version 2 rescoring ran. */
const during = ofKind('quiet').map((leadId): LeadEvent => ({ eventId: `${leadId}-during`, leadId, type: 'email_open', properties: {}, occurredAt: new Date().toISOString() }));
const late = ofKind('late').map((leadId) => liveEvents('late', leadId).late as LeadEvent);
let first: LeadEvent[] = [];
let seeded: SeededLead[] = [];

describe('the bulk rescoring, on leads in mixed states', { timeout: 300_000 }, () => {
  it('starts from leads scored live under version 1, each read side what replaying its input log gives', async () => {
    const v1 = await eventually(() => versions.latest(modelId), (v) => v?.version === 1, 'the API to publish version 1');
    models.set(1, lifecycleModel(1, v1!.compiled, createScorer(v1!.compiled)));
    // Live leads: their events through the API, their workflows scoring them under version 1.
    first = live.flatMap(({ kind, leadId }) => liveEvents(kind, leadId).now);
    expect((await request(base, 'POST', '/api/events/batch', { events: first })).body).toMatchObject({ accepted: first.length });
    // Seeded leads: stored and started as the benchmark seeds them (their first turn run here).
    seeded = await seedLeads({ events: createEventRepository(db.connection), histories, leads, temporal, model: { version: 1, compiled: v1!.compiled }, withLedger: true }, seededIds.map((leadId, lead) => ({ leadId, events: timeline(leadId, lead) })));

    for (const { kind, leadId } of live) {
      const count = liveEvents(kind, leadId).now.length;
      const qualifies = kind === 'mql' || kind === 'enterprise' || kind === 'accepted' || kind === 'rejected' || kind === 'unqualify';
      // A round-robin handoff reaches the read side with its owner.
      await settled(leadId, (lead) => lead.eventCount === count && (!qualifies || (lead.stage === 'mql' && (kind !== 'enterprise' || lead.handoff?.owner !== undefined))), 'to score its first events under version 1');
    }
    for (const leadId of ofKind('accepted')) expect((await request(base, 'POST', `/api/handoffs/${leadId}:1/accept`, { note: 'call booked' })).status).toBe(200);
    for (const leadId of ofKind('rejected')) expect((await request(base, 'POST', `/api/handoffs/${leadId}:1/reject`, { reason: 'no_budget' })).status).toBe(200);
    // An event that happened before the lead's last one arrives last: the lead folds again from the start.
    expect((await request(base, 'POST', '/api/events/batch', { events: late })).body).toMatchObject({ accepted: late.length });
    for (const leadId of ofKind('accepted')) await settled(leadId, (lead) => lead.stage === 'sal', 'to be accepted');
    for (const leadId of ofKind('rejected')) await settled(leadId, (lead) => lead.stage === 'nurture', 'to be rejected');
    for (const leadId of ofKind('late')) await settled(leadId, (lead) => lead.eventCount === 3, 'to take its late event');

    for (const leadId of leadIds) await expectReplayed(leadId, 1);
    for (const leadId of leadIds) before.set(leadId, await readSide(leadId));
    // Every input is in the logs: events, sales answers, and the owners of round-robin handoffs.
    const seededInputs = seeded.reduce((sum, lead) => sum + lead.carried.logged, 0);
    expect(seededInputs).toBeGreaterThanOrEqual(SEEDED * SEEDED_EVENTS);
    expect(inputCount()).toBe(seededInputs + first.length + late.length + ofKind('accepted').length + ofKind('rejected').length + ofKind('enterprise').length);
  });

  it('changes nothing under unchanged rules: not a score, a stage, a ledger entry or a handoff, and wakes no workflow', async () => {
    expect(before.size).toBe(leadIds.length);
    const progress = await rescore({ modelVersion: 1 }, 1);
    expect(progress).toMatchObject({ modelVersion: 1, total: leadIds.length, signalled: leadIds.length, rescored: leadIds.length, deferred: 0, woken: 0, events: inputCount(), done: true });
    for (const leadId of leadIds) expect({ leadId, ...(await readSide(leadId)) }).toEqual({ leadId, ...before.get(leadId) });
  });

  it('writes under a new version what replaying each input log gives, wakes the leads it changed, keeps events that arrive meanwhile, and counts progress that adds up', async () => {
    expect(before.size).toBe(leadIds.length);
    // Version 2 values the pricing page twice as much and an email click about half as much.
    const graph = ruleGraphSchema.parse({ ...b2bDefaultGraph, nodes: b2bDefaultGraph.nodes.map((n) => (n.id === 'key-page-points' ? { ...n, points: 40 } : n.id === 'email-click-points' ? { ...n, points: 8 } : n)) });
    const compiled = compileGraph(graph);
    await versions.model.create({ modelId, version: 2, name: graph.name, graph, compiled, changeNote: 'pricing page 40, email click 8', publishedAt: new Date() });
    models.set(2, lifecycleModel(2, compiled, createScorer(compiled)));
    for (const leadId of leadIds) {
      const { snapshot } = await replayed(leadId, 2, before.get(leadId)!.snapshot.inputCount ?? 0);
      const was = before.get(leadId)!.snapshot;
      // The rescoring wakes a lead only for what its workflow acts on: a handoff sales can now answer, or no longer.
      if (openHandoff(snapshot.handoff) !== openHandoff(was.handoff)) changing.push(leadId);
    }
    expect(changing).toEqual(expect.arrayContaining([...ofKind('pricing'), ...ofKind('enterprise-v2'), ...ofKind('unqualify')]));
    for (const leadId of ofKind('quiet')) expect(changing).not.toContain(leadId);

    // Events keep arriving while it runs; quiet leads stay quiet under either version.
    const progress = await rescore({}, 2, async () => {
      expect((await request(base, 'POST', '/api/events/batch', { events: during })).body).toMatchObject({ accepted: during.length });
    });
    expect(progress).toMatchObject({ modelVersion: 2, total: leadIds.length, signalled: leadIds.length, woken: changing.length, done: true });
    expect(progress.rescored! + progress.deferred!).toBe(progress.signalled);
    // Only a lead whose workflow wrote meanwhile is left to it.
    expect(progress.deferred).toBeLessThanOrEqual(during.length);

    // The late event of the first step, delivered again: the store has it, nothing counts twice.
    expect((await request(base, 'POST', '/api/events', late[0])).body).toMatchObject({ status: 'duplicate' });
    for (const leadId of ofKind('quiet')) await settled(leadId, (lead) => lead.eventCount === 3, 'to score the event sent during the rescoring');
    // A woken lead's workflow acts on what the rescoring changed: it writes once more.
    for (const leadId of changing) await settled(leadId, (lead) => lead.revision > before.get(leadId)!.snapshot.revision && lead.modelVersion === 2, 'to take the turn the rescoring woke it for');
    // A lead whose workflow wrote meanwhile replays its own log at its next turn: checked after it (the last test).
    for (const leadId of leadIds.filter((id) => !during.some((event) => event.leadId === id))) await expectReplayed(leadId, 2);
    for (const leadId of ofKind('pricing')) expect(await leads.getLead(leadId)).toMatchObject({ stage: 'mql', total: 70, handoff: { status: 'pending', modelVersion: 2 } });
    for (const leadId of ofKind('unqualify')) expect(await leads.getLead(leadId)).toMatchObject({ stage: 'lead', total: 58, handoff: null });
    // An answered handoff stays answered: the answers are in the log.
    for (const leadId of ofKind('accepted')) expect(await leads.getLead(leadId)).toMatchObject({ stage: 'sal', total: 95, handoff: { status: 'accepted', modelVersion: 2 } });
    for (const leadId of ofKind('enterprise')) expect((await leads.getLead(leadId))?.handoff).toMatchObject({ queue: 'enterprise-sales', status: 'pending', owner: before.get(leadId)!.snapshot.handoff!.owner });
  });

  it('takes a lead the new version no longer qualifies out of its sales queue', async () => {
    expect(changing.length).toBeGreaterThan(0);
    const inbound = await request(base, 'GET', '/api/sales/queues/inbound-sales/handoffs?limit=500');
    expect(inbound.status).toBe(200);
    const queued = inbound.body.handoffs.map((handoff: Handoff) => handoff.leadId);
    expect(queued).toEqual(expect.arrayContaining([...ofKind('pricing'), ...ofKind('mql'), ...ofKind('late')]));
    for (const leadId of ofKind('unqualify')) {
      expect(queued).not.toContain(leadId);
      // On record it may stay, closed (withdrawn), but never pending.
      const handoff = await leads.getHandoff(`${leadId}:1`);
      expect({ leadId, status: handoff?.status ?? 'removed' }).not.toEqual({ leadId, status: 'pending' });
    }
  });

  it('gives a round-robin handoff the rescoring opened its owner, as a live turn would', async () => {
    expect(changing).toEqual(expect.arrayContaining(ofKind('enterprise-v2')));
    for (const leadId of ofKind('enterprise-v2')) {
      expect((await leads.getLead(leadId))?.handoff).toMatchObject({ queue: 'enterprise-sales', status: 'pending', owner: expect.any(String) });
    }
  });

  it("scores each lead's next event under the new version, with its workflow and its read side agreeing", async () => {
    expect(changing.length).toBeGreaterThan(0);
    const next = leadIds.map((leadId): LeadEvent => ({ eventId: `${leadId}-next`, leadId, type: 'email_open', properties: {}, occurredAt: new Date().toISOString() }));
    const countsBefore = new Map<string, number>();
    for (const leadId of leadIds) countsBefore.set(leadId, (await leads.getLead(leadId))!.eventCount);
    expect((await request(base, 'POST', '/api/events/batch', { events: next })).body).toMatchObject({ accepted: next.length });
    for (const leadId of leadIds) await settled(leadId, (lead) => lead.eventCount === countsBefore.get(leadId)! + 1, 'to score its next event');
    for (const leadId of leadIds) {
      await expectReplayed(leadId, 2);
      const state = await temporal.workflow.getHandle(leadWorkflowId(leadId)).query(leadStateQuery);
      expect(state).toEqual(await leads.getLead(leadId));
    }
  });
});

function settled(leadId: string, done: (lead: LeadSnapshot) => boolean, what: string): Promise<LeadSnapshot> {
  return eventually(() => leads.getLead(leadId), (lead): lead is LeadSnapshot => lead !== null && done(lead), `${leadId} ${what}`, 60_000) as Promise<LeadSnapshot>;
}

/** Inputs in all the leads' logs, as their read sides count them. */
function inputCount(): number {
  return [...before.values()].reduce((sum, lead) => sum + (lead.snapshot.inputCount ?? 0), 0);
}

async function readSide(leadId: string): Promise<ReadSide> {
  const snapshot = (await leads.getLead(leadId)) as LeadSnapshot;
  const ledger = await leads.ledger(leadId, 100_000);
  const [, , HandoffModel] = leads.models;
  const handoffs = await HandoffModel.find({ leadId }, { _id: 0 }).sort({ handoffId: 1 }).lean<Handoff[]>();
  return { snapshot, ledger, handoffs };
}

/** What the lifecycle core's replay of the lead's stored input log (its first `count` inputs) gives under `version`, as of now. */
async function replayed(leadId: string, version: number, count: number): Promise<Omit<ReadSide, 'snapshot'> & { snapshot: Omit<LeadSnapshot, 'revision'> }> {
  const log = (await histories.completeHistories([{ leadId, inputCount: count }])).get(leadId);
  expect(log, `${leadId}'s input log of ${count} inputs`).toBeDefined();
  const ledger: LedgerEntry[] = [];
  const handoffs = new Map<string, Handoff>();
  const { view } = await replay(leadId, log!, new Date().toISOString(), models.get(version)!, (step) => {
    ledger.push(...step.ledger);
    if (step.handoff) handoffs.set(step.handoff.handoffId, step.handoff);
  });
  const { revision: _revision, ...snapshot } = view.snapshot;
  return { snapshot: { ...snapshot, inputCount: log!.length }, ledger, handoffs: [...handoffs.values()].sort((a, b) => a.handoffId.localeCompare(b.handoffId)) };
}

/**
 * The lead's read side is what replaying its stored log under `version` gives: the snapshot,
 * every ledger entry, every handoff the replay opens (one it no longer opens is the sales-queue
 * test's).
 */
async function expectReplayed(leadId: string, version: number): Promise<void> {
  const stored = await readSide(leadId);
  const { revision: _revision, ...written } = stored.snapshot;
  // When each stage change was recorded is the read side's own: it is not in the log.
  expect({ leadId, unrecorded: written.stageHistory.filter((change) => typeof change.recordedAt !== 'string') }).toEqual({ leadId, unrecorded: [] });
  const snapshot = { ...written, stageHistory: written.stageHistory.map(({ recordedAt: _recordedAt, ...change }) => change) };
  const want = await replayed(leadId, version, stored.snapshot.inputCount ?? 0);
  const opened = new Set(want.handoffs.map((handoff) => handoff.handoffId));
  expect({ leadId, ...stored, snapshot, handoffs: stored.handoffs.filter((handoff) => opened.has(handoff.handoffId)) }).toEqual({ leadId, ...want });
}

/** Starts a rescoring through the API, runs `meanwhile`, and waits for its progress to say done. */
async function rescore(body: { modelVersion?: number }, version: number, meanwhile?: () => Promise<void>): Promise<RescoreProgress> {
  const started = await request(base, 'POST', '/api/rescores', body);
  expect(started).toMatchObject({ status: 202, body: { modelVersion: version, progress: `/api/rescores/${version}` } });
  await meanwhile?.();
  const done = await eventually(() => request<RescoreProgress>(base, 'GET', `/api/rescores/${version}`), (r) => r.body?.done === true, `the rescoring under version ${version} to finish`, 240_000);
  return done.body;
}

/** A live lead's events by kind; total under version 1 → version 2 (pricing page 40, email click 8): */
function liveEvents(kind: Kind, leadId: string): { now: LeadEvent[]; late?: LeadEvent } {
  const event = (n: number, minutesAgo: number, shape: Pick<LeadEvent, 'type' | 'properties' | 'attributes'>): LeadEvent => ({ eventId: `${leadId}-${n}`, leadId, ...shape, occurredAt: daysAgo(minutesAgo / 1_440) });
  const pricing = { type: 'page_view', properties: { url: '/pricing' } };
  const blog = { type: 'page_view', properties: { url: '/blog/scoring-101' } };
  const open = { type: 'email_open', properties: {} };
  const click = { type: 'email_click', properties: {} };
  const webinar = { type: 'webinar_attended', properties: {} };
  const demo = { type: 'form_submit', properties: { form: 'demo_request' } };
  const enterprise = { type: 'custom', properties: { name: 'crm_sync' }, attributes: { companySize: 5_000, country: 'US', seniority: 'vp' } };
  switch (kind) {
    // 10 → 10: a lead either way.
    case 'quiet':
      return { now: [event(1, 120, open), event(2, 110, open)] };
    // 50 → 70: qualifies under version 2 (inbound, no owner).
    case 'pricing':
      return { now: [event(1, 120, pricing), event(2, 110, webinar)] };
    // 75 → 95: an MQL either way, its handoff's score changes; sales answers some.
    case 'mql':
    case 'accepted':
    case 'rejected':
      return { now: [event(1, 120, pricing), event(2, 110, demo)] };
    // Enterprise (threshold 80, round-robin owners): 110 → 130.
    case 'enterprise':
      return { now: [event(1, 120, enterprise), event(2, 110, demo), event(3, 100, pricing)] };
    // Enterprise 60 → 80: qualifies under version 2 only, into a round-robin queue.
    case 'enterprise-v2':
      return { now: [event(1, 120, enterprise), event(2, 110, pricing)] };
    // 55 → 75, its pricing visit arriving after a later webinar.
    case 'late':
      return { now: [event(1, 120, blog), event(3, 100, webinar)], late: event(2, 110, pricing) };
    // 65 → 58: an MQL under version 1 only; its handoff must leave the sales queue.
    case 'unqualify':
      return { now: [event(1, 120, demo), event(2, 110, click)] };
  }
}

/** A seeded lead's events over the last hours: a mix that gives varied scores, some over the MQL threshold, some enterprise. */
function timeline(leadId: string, lead: number): LeadEvent[] {
  const start = Date.now() - 4 * 3_600_000;
  const kinds: Array<Pick<LeadEvent, 'type' | 'properties'>> = [
    { type: 'page_view', properties: { url: '/pricing' } },
    { type: 'page_view', properties: { url: '/blog/scoring-101' } },
    { type: 'email_open', properties: {} },
    { type: 'email_click', properties: {} },
    { type: 'page_view', properties: { url: '/careers/sdr' } },
    { type: 'form_submit', properties: { form: 'newsletter' } },
    { type: 'webinar_attended', properties: {} },
  ];
  return Array.from({ length: SEEDED_EVENTS }, (_, i) => ({
    eventId: `${leadId}-${String(i).padStart(2, '0')}`,
    leadId,
    ...kinds[(lead * 7 + i * (1 + (lead % 3))) % kinds.length]!,
    ...(i === 0 && { attributes: { companySize: 50 + ((lead * 37) % 2000), country: lead % 4 ? 'US' : 'BR', seniority: lead % 5 ? 'vp' : 'student' } }),
    occurredAt: new Date(start + i * 10 * 60_000 + (lead % 60) * 1000).toISOString(),
  }));
}

/** JSON with keys in order: equal values, equal text. */
/** The handoff sales can answer (pending or accepted), as it sees it; null when there is none. */
function openHandoff(handoff: Handoff | null): string | null {
  return handoff?.status === 'pending' || handoff?.status === 'accepted' ? JSON.stringify([handoff.handoffId, handoff.status, handoff.queue, handoff.owner ?? null, handoff.slaDueAt]) : null;
}

