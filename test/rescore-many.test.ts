/**
 * A rescoring under unchanged rules, on a few thousand leads in mixed states on the real stack
 * (API, worker, Temporal dev server, MongoDB protocol): qualified and waiting for sales, accepted,
 * rejected and cooling down, decayed after weeks of silence, won, lost, disqualified, in
 * opportunity, unsubscribed, enterprise with a round-robin owner. The leads are seeded in bulk as
 * the rescoring benchmark seeds them (their first turn run by the lifecycle core, their workflows
 * started with it); sales answers are in their input logs like the events. Nothing about any of
 * them may change: not a score, a stage, a stage's recorded time, a ledger entry or a handoff.
 */
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEventRepository } from '../api/db/events.repository';
import { createLeadHistoryRepository } from '../api/db/lead-histories.repository';
import { createLedgerRepository } from '../api/db/ledgers.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { createModelVersionRepository } from '../api/db/model-versions.repository';
import { mulberry32 } from '../engine/calibration/split';
import type { LeadInput } from '../engine/lifecycle/lifecycle';
import type { LeadEvent } from '../engine/types';
import { seedLeads } from '../scripts/bench-rescore';
import { freePort } from '../scripts/services';
import { startApi, startWorker, type AppProcess } from '../scripts/stack';
import { leadWorkflowId, type LeadSnapshot, type RescoreProgress } from '../workflows/lead.definitions';
import { daysAgo } from './support/clock';
import { eventually, request } from './support/http';

const run = Date.now().toString(36);
const modelId = `rescore-many-${run}`;
const LEADS = 3_000;
const SEED_CHUNK = 500;

/** What a seeded lead goes through; lead i is `PROFILES[i % PROFILES.length]`. */
const PROFILES = ['qualified', 'accepted', 'rejected', 'decayed', 'won', 'lost', 'disqualified', 'opportunity', 'unsubscribed', 'enterprise', 'quiet'] as const;
type Profile = (typeof PROFILES)[number];
const leadIds = Array.from({ length: LEADS }, (_, i) => `many-${run}-${PROFILES[i % PROFILES.length]}-${String(i).padStart(4, '0')}`);

let api: AppProcess;
let worker: AppProcess;
let base: string;
let db: typeof mongoose;
let temporal: Client;
let leads: LeadRepository;
// A database of its own: the lead count is this test's, and its rows slow no other test down.
const mongoUri = (() => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_many_${run}`;
  return url.toString();
})();

beforeAll(async () => {
  const env = { temporalAddress: inject('temporalAddress'), mongoUri, logDir: path.join(inject('runDir'), 'rescore-many'), extra: { LEADFLOW_MODEL_ID: modelId } };
  [api, worker] = await Promise.all([startApi(env, await freePort()), startWorker(env)]);
  base = api.url as string;
  db = await new mongoose.Mongoose().connect(mongoUri);
  temporal = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
  leads = createLeadRepository(db.connection);
});

afterAll(async () => {
  // Lead workflows never end by themselves; end this test's so no later worker picks them up.
  for (let first = 0; first < leadIds.length; first += 100) {
    await Promise.all(leadIds.slice(first, first + 100).map((leadId) => temporal?.workflow.getHandle(leadWorkflowId(leadId)).terminate('test finished').catch(() => undefined)));
  }
  await temporal?.connection.close();
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
  await Promise.all([api?.stop(), worker?.stop()]);
});

describe('a rescoring under unchanged rules, on a few thousand leads in mixed states', { timeout: 600_000 }, () => {
  it('changes nothing about any of them and wakes no workflow', async () => {
    const versions = createModelVersionRepository(db.connection);
    const v1 = await eventually(() => versions.latest(modelId), (v) => v?.version === 1, 'the API to publish version 1');
    const random = mulberry32(2027);
    const population = leadIds.map((leadId, i) => history(leadId, PROFILES[i % PROFILES.length] as Profile, random));
    const options = { events: createEventRepository(db.connection), histories: createLeadHistoryRepository(db.connection), leads, temporal, model: { version: 1, compiled: v1!.compiled }, withLedger: true };
    for (let first = 0; first < population.length; first += SEED_CHUNK) await seedLeads(options, population.slice(first, first + SEED_CHUNK));

    const before = await everything();
    expect(before.leads).toHaveLength(LEADS);
    // The population is as mixed as promised: each state is there, many times over.
    const stages = count(before.leads.map((lead) => lead.stage));
    for (const stage of ['lead', 'mql', 'sal', 'nurture', 'customer', 'opportunity', 'disqualified']) expect(stages[stage], stage).toBeGreaterThan(100);
    const ledgers = await createLedgerRepository(db.connection).readMany(before.leads.map((lead) => ({ leadId: lead.leadId, upTo: lead.ledgerSize })));
    const kinds = count([...ledgers.values()].flat().map(ruleKind));
    expect(kinds.decay, 'decay entries').toBeGreaterThan(100);
    expect(kinds.recycle, 'rejections resetting engagement').toBeGreaterThan(100);
    expect(kinds.unsubscribe, 'unsubscribes').toBeGreaterThan(100);
    const handoffs = count(before.handoffs.map((handoff) => String(handoff.status)));
    for (const status of ['pending', 'accepted', 'rejected', 'expired', 'withdrawn']) expect(handoffs[status], `${status} handoffs`).toBeGreaterThan(100);
    expect(before.handoffs.filter((handoff) => handoff.queue === 'enterprise-sales' && typeof handoff.owner === 'string').length, 'round-robin owners').toBeGreaterThan(100);

    const progress = await rescore();
    expect(progress).toMatchObject({ modelVersion: 1, total: LEADS, signalled: LEADS, rescored: LEADS, deferred: 0, woken: 0, done: true });
    expect(progress.events).toBe(before.leads.reduce((sum, lead) => sum + (lead.inputCount ?? 0), 0));
    const after = await everything();
    // Compared lead by lead, so a difference names its lead.
    const byId = <T extends { _id: string }>(rows: T[]) => new Map(rows.map((row) => [row._id, row]));
    for (const [name, rows] of Object.entries(before) as Array<[keyof typeof before, Array<{ _id: string }>]>) {
      const now = byId(after[name] as Array<{ _id: string }>);
      expect(now.size, name).toBe(rows.length);
      for (const row of rows) expect({ [name]: now.get(row._id) }).toEqual({ [name]: row });
    }
  });
});

/** Every lead's read side, as stored: snapshots, ledger segments and handoffs, by id. */
async function everything() {
  const [Lead, , Handoff] = leads.models;
  const Ledger = db.connection.collection<{ _id: string; entries: string[] }>('lead_ledgers');
  const [snapshots, ledger, handoffs] = await Promise.all([
    Lead.find({}).sort({ _id: 1 }).lean<Array<LeadSnapshot & { _id: string }>>(),
    Ledger.find({}).sort({ _id: 1 }).toArray(),
    Handoff.find({}).sort({ _id: 1 }).lean<Array<{ _id: string; status: string; queue: string; owner?: string }>>(),
  ]);
  return { leads: snapshots, ledger, handoffs };
}

/** Starts a rescoring under version 1 through the API and waits for it to say done. */
async function rescore(): Promise<RescoreProgress> {
  const started = await request(base, 'POST', '/api/rescores', { modelVersion: 1 });
  expect(started).toMatchObject({ status: 202, body: { modelVersion: 1 } });
  const done = await eventually(() => request<RescoreProgress>(base, 'GET', '/api/rescores/1'), (r) => r.body?.done === true, 'the rescoring to finish', 300_000);
  return done.body;
}

function count(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** The kind of rule behind a ledger entry, by the default model's rule ids. */
function ruleKind(entry: { ruleId: string }): string {
  if (entry.ruleId.startsWith('decay')) return 'decay';
  if (entry.ruleId.includes('unsubscribe')) return 'unsubscribe';
  if (entry.ruleId.includes('recycle') || entry.ruleId.includes('reject')) return 'recycle';
  return 'other';
}

/**
 * A lead's history for its profile, with a few random extra events. Times sit half a day off
 * whole days back (enterprise: four hours back), plus some minutes, so no decay step, SLA or
 * cool-down falls due while the test runs: every deadline is hours away from now.
 */
function history(leadId: string, profile: Profile, random: () => number): { leadId: string; events: LeadEvent[]; answers: LeadInput[] } {
  // Waiting for sales: qualified half a day ago, inside the inbound SLA of 24 hours. Others: days or weeks back.
  const days = profile === 'decayed' ? 40 + Math.floor(random() * 80) : profile === 'qualified' ? 0 : 1 + Math.floor(random() * 10);
  // Enterprise handoffs have an SLA of 8 hours: qualified 4 hours ago, still waiting for their owner.
  const back = profile === 'enterprise' ? 4 / 24 : days + 0.5;
  const at = (dayOffset: number, minutes: number) => new Date(Date.parse(daysAgo(back - dayOffset)) + minutes * 60_000).toISOString();
  const events: LeadEvent[] = [];
  const add = (type: string, properties: LeadEvent['properties'], minutes: number, attributes?: LeadEvent['attributes']) =>
    events.push({ eventId: `${leadId}-${events.length}`, leadId, type, properties, occurredAt: at(0, minutes), ...(attributes && { attributes }) });
  const extra = Math.floor(random() * 8);
  const enterprise = profile === 'enterprise';
  add('custom', { name: 'crm_sync' }, 0, enterprise ? { companySize: 5_000, country: 'US', seniority: 'vp' } : { companySize: 50 + Math.floor(random() * 900), country: 'US', seniority: random() < 0.5 ? 'director' : 'manager' });
  for (let i = 0; i < extra; i++) add(random() < 0.5 ? 'email_open' : 'page_view', random() < 0.5 ? {} : { url: '/blog/scoring-101' }, 1 + i);
  if (profile === 'quiet') return { leadId, events, answers: [] };
  if (profile === 'unsubscribed') {
    add('email_click', {}, 20);
    add('unsubscribe', {}, 21);
    add('email_open', {}, 22);
    return { leadId, events, answers: [] };
  }
  add('page_view', { url: '/pricing' }, 30);
  add('form_submit', { form: 'demo_request' }, 31);
  if (enterprise) add('page_view', { url: '/pricing' }, 32);
  const outcome = { won: 'won', lost: 'lost', disqualified: 'disqualified', opportunity: 'opportunity_created' }[profile as string];
  if (outcome) add('crm_outcome', { outcome }, 60 + Math.floor(random() * 60));
  const handoffId = `${leadId}:1`;
  // Sales answers a few hours after the handoff (still more than half a day from now).
  const answeredAt = at(0, 240);
  if (profile === 'accepted') return { leadId, events, answers: [{ kind: 'answer', answer: { handoffId, decision: 'accept', note: 'call booked' }, at: answeredAt }] };
  if (profile === 'rejected') return { leadId, events, answers: [{ kind: 'answer', answer: { handoffId, decision: 'reject', reason: 'no_budget' }, at: answeredAt }] };
  return { leadId, events, answers: [] };
}
