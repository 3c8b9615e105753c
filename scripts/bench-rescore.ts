/**
 * Rescoring benchmark, end to end (not a test): seeds N leads x M events (default 100,000 x 50)
 * with their lead workflows running, publishes a changed model version, and rescores every lead
 * through the worker's bulk path, printing progress and the final figures.
 *
 *   npm run bench:rescore -- --leads 100000 --events 50 [--batch 25000] [--timeout-minutes 60]
 *
 * Starts its own Temporal dev server and FerretDB (scripts/services.ts) unless TEMPORAL_ADDRESS /
 * MONGODB_URI name running ones, and a real worker process (scripts/stack.ts).
 *
 * Seeding is not measured and does not go through the API: one event at a time through the API
 * and 100,000 leads' workflows scoring 50 events each would take hours on this machine. Events,
 * lead snapshots (and, on request, ledger entries and handoffs) are inserted in bulk; each lead's
 * workflow is started with the state it would hold after scoring its events under version 1,
 * computed with the workflow's own reducer functions (as after a continue-as-new).
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { createEventRepository, type EventRepository } from '../api/db/events.repository';
import { createLeadHistoryRepository, type LeadHistoryRepository } from '../api/db/lead-histories.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { createModelVersionRepository } from '../api/db/model-versions.repository';
import { assignOwner } from '../engine/assign-owner';
import { mulberry32 } from '../engine/calibration/split';
import { advance } from '../engine/lead-context';
import { createScorer, type Scorer } from '../engine/score-event';
import type { CompiledModel, LeadEvent, PointsLimits } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import { leadWorkflowId, rescoreWorkflowId, TASK_QUEUE, type CarriedState, type Handoff, type LedgerEntry, type RescoreProgress } from '../workflows/lead.definitions';
import { applyDecay, applyEvent, initialState, modelPolicies, nextHandoffId, openHandoff, qualification } from '../workflows/lead-state';
import type { leadWorkflow } from '../workflows/lead.workflow';
import type { rescoreWorkflow } from '../workflows/rescore.workflow';
import { readRescoreProgress } from '../workflows/rescore-progress';
import { startMongo, startTemporal, type RunningService } from './services';
import { startWorker, type AppProcess } from './stack';

export interface SeedOptions {
  events: EventRepository;
  /** Each lead's packed history, as its workflow would have appended it. */
  histories: LeadHistoryRepository;
  leads: LeadRepository;
  temporal: Client;
  model: { version: number; compiled: CompiledModel };
  /** Also insert the ledger entries and handoffs the workflows would have written. */
  withLedger?: boolean;
  log?: (line: string) => void;
}

/**
 * Seeds leads as if their workflows had scored `events` under `model`: stores the events, writes
 * each lead's snapshot (and ledger and handoffs), and starts each workflow with that state.
 */
export async function seedLeads(options: SeedOptions, batch: Array<{ leadId: string; events: LeadEvent[] }>): Promise<void> {
  const scorer = createScorer(options.model.compiled);
  const now = new Date().toISOString();
  const states: CarriedState[] = [];
  const ledger: LedgerEntry[] = [];
  const handoffs: Handoff[] = [];
  for (const { leadId, events } of batch) {
    const scored = await scoredState(scorer, options.model, leadId, events, now);
    states.push(scored.state);
    ledger.push(...scored.ledger);
    handoffs.push(...scored.handoffs);
  }
  const [Lead, Ledger, HandoffModel] = options.leads.models;
  // Each collection is keyed by its natural id (api/db/natural-keys.ts).
  await options.events.model.insertMany(
    batch.flatMap(({ events }) => events.map((event) => ({ _id: event.eventId, ...event, receivedAt: new Date() }))),
    { ordered: false, lean: true },
  );
  await options.histories.insertHistories(batch);
  // Copies: the workflows get the originals.
  await Lead.insertMany(states.map((state) => ({ _id: state.snapshot.leadId, ...structuredClone(state.snapshot) })), { lean: true });
  if (options.withLedger) {
    if (ledger.length > 0) await Ledger.insertMany(ledger.map((entry) => ({ _id: entry.entryId, ...structuredClone(entry) })), { lean: true });
    if (handoffs.length > 0) await HandoffModel.insertMany(handoffs.map((handoff) => ({ _id: handoff.handoffId, ...structuredClone(handoff) })), { lean: true });
  }
  await forEachConcurrently(states, 32, (state) =>
    options.temporal.workflow.start<typeof leadWorkflow>('leadWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: leadWorkflowId(state.snapshot.leadId),
      args: [{ leadId: state.snapshot.leadId, carried: state }],
    }),
  );
}

/**
 * The state a lead's workflow holds after scoring `events` one by one under `model` (what the
 * scoreEvents activity and the workflow's turn do), with the read side written once (revision 1).
 */
export async function scoredState(scorer: Scorer, model: { version: number; compiled: CompiledModel }, leadId: string, events: LeadEvent[], now: string) {
  const state = initialState(leadId, now);
  const policies = modelPolicies(model);
  const limitsOf = new Map(model.compiled.rules.filter((rule) => rule.limits).map((rule) => [rule.id, rule.limits as PointsLimits]));
  const ledger: LedgerEntry[] = [];
  const handoffs: Handoff[] = [];
  let segment = await scorer.segmentOf(state.memory.attributes);
  for (const event of events) {
    const { context } = advance(state.memory, event);
    if (context.changedAttributes.length > 0) segment = await scorer.segmentOf(context.attributes);
    const hits = await scorer.score(event, context);
    const limits: Record<string, PointsLimits> = {};
    for (const hit of hits) {
      const ruleLimits = limitsOf.get(hit.ruleId);
      if (ruleLimits) limits[hit.ruleId] = ruleLimits;
    }
    const predicted = context.changedAttributes.length > 0 ? await scorer.predict(context.attributes) : [];
    state.policies = policies;
    ledger.push(...applyEvent(state, event, { hits, limits, ...(segment !== undefined && { segment }), ...(predicted.length > 0 && { predicted }) }, now));
    const source = qualification(state, now);
    if (source) {
      const handoffId = nextHandoffId(state.snapshot);
      const route = await scorer.route(source.sourceId, state.snapshot.attributes);
      const owner = route ? assignOwner(route, 0, handoffId) : undefined;
      handoffs.push(openHandoff(state, source, handoffId, { route: route ?? null, ...(owner !== undefined && { owner }) }, now));
    }
  }
  ledger.push(...applyDecay(state, now).ledger);
  state.snapshot.revision = 1;
  state.seenEventIds = events.map((event) => event.eventId);
  return { state, ledger, handoffs: handoffs.map((handoff) => (handoff.handoffId === state.snapshot.handoff?.handoffId ? { ...state.snapshot.handoff } : handoff)) };
}

/** A lead's `count` events over the last days: web, email, forms and webinars, a few attributes. */
export function benchTimeline(leadId: string, lead: number, count: number, random: () => number): LeadEvent[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const kinds: Array<Pick<LeadEvent, 'type' | 'properties'>> = [
    { type: 'page_view', properties: { url: '/pricing' } },
    { type: 'page_view', properties: { url: '/blog/scoring-101' } },
    { type: 'page_view', properties: { url: '/products/analytics' } },
    { type: 'page_view', properties: { url: '/careers/sdr' } },
    { type: 'email_open', properties: {} },
    { type: 'email_open', properties: {} },
    { type: 'email_click', properties: {} },
    { type: 'form_submit', properties: { form: 'newsletter' } },
    { type: 'content_download', properties: { assetType: 'guide' } },
    { type: 'webinar_registered', properties: {} },
    { type: 'unsubscribe', properties: {} },
  ];
  const start = Date.now() - 3 * 86_400_000;
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${leadId}-${i}`,
    leadId,
    ...pick(kinds),
    ...(i === 0 && { attributes: { seniority: pick(['vp', 'director', 'staff', 'student']), companySize: Math.floor(random() * 5000), country: pick(['US', 'DE', 'BR']), industry: pick(['software', 'retail', 'finance']) } }),
    occurredAt: new Date(start + i * 60_000 * (1 + (lead % 50))).toISOString(),
  }));
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const LEADS = arg('leads', 100_000);
  const EVENTS = arg('events', 50);
  const BATCH = arg('batch', 25_000);
  const TIMEOUT_MIN = arg('timeout-minutes', 0);
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  log(`LeadFlow rescoring benchmark — ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`);
  log(`${fmt(LEADS)} leads x ${EVENTS} events, batches of ${fmt(BATCH)} leads`);

  const runDir = await mkdtemp(path.join(os.tmpdir(), 'leadflow-bench-rescore-'));
  const services: RunningService[] = [];
  let worker: AppProcess | undefined;
  let db: typeof mongoose | undefined;
  let temporal: Client | undefined;
  try {
    services.push(await startTemporal({ port: 0, dbFile: path.join(runDir, 'temporal.sqlite'), logFile: path.join(runDir, 'temporal.log'), log }));
    services.push(await startMongo({ port: 0, dataDir: path.join(runDir, 'ferretdb'), logFile: path.join(runDir, 'ferretdb.log'), database: 'leadflow_bench', log }));
    const [temporalService, mongo] = services as [RunningService, RunningService];
    const mongoUri = mongo.external ? withDatabase(mongo.address) : mongo.address;
    db = await new mongoose.Mongoose().connect(mongoUri);
    const events = createEventRepository(db.connection);
    const leads = createLeadRepository(db.connection);
    const versions = createModelVersionRepository(db.connection);
    const histories = createLeadHistoryRepository(db.connection);
    await Promise.all([events.model, histories.model, ...leads.models, versions.model].map((model) => model.init()));
    temporal = new Client({ connection: await Connection.connect({ address: temporalService.address }) });

    const modelId = `bench-${Date.now().toString(36)}`;
    const graph1 = ruleGraphSchema.parse(b2bDefaultGraph);
    const v1 = compileGraph(graph1);
    // Version 2 values the pricing page twice as much and email clicks half as much.
    const graph2 = ruleGraphSchema.parse({
      ...b2bDefaultGraph,
      nodes: b2bDefaultGraph.nodes.map((n) => (n.id === 'key-page-points' ? { ...n, points: 40 } : n.id === 'email-click-points' ? { ...n, points: 8 } : n)),
    });
    await versions.model.create({ modelId, version: 1, name: graph1.name, graph: graph1, compiled: v1, changeNote: 'bench v1', publishedAt: new Date() });
    worker = await startWorker({ temporalAddress: temporalService.address, mongoUri, logDir: runDir, extra: { LEADFLOW_MODEL_ID: modelId } });

    // Seeding, in chunks, with progress.
    const random = mulberry32(2026);
    const seedStarted = performance.now();
    let lastLine = seedStarted;
    const CHUNK = 2_000;
    for (let first = 0; first < LEADS; first += CHUNK) {
      const chunk = Array.from({ length: Math.min(CHUNK, LEADS - first) }, (_, i) => {
        const lead = first + i;
        const leadId = `lead-${String(lead).padStart(7, '0')}`;
        return { leadId, events: benchTimeline(leadId, lead, EVENTS, random) };
      });
      await seedLeads({ events, histories, leads, temporal, model: { version: 1, compiled: v1 } }, chunk);
      const done = first + chunk.length;
      if (performance.now() - lastLine > 10_000 || done === LEADS) {
        lastLine = performance.now();
        const seconds = (lastLine - seedStarted) / 1000;
        log(`seeded ${fmt(done)} leads (${fmt(done * EVENTS)} events, workflows started) in ${seconds.toFixed(0)} s`);
      }
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`seeding took ${seedSeconds.toFixed(0)} s (not measured below); waiting for the started workflows' first tasks`);
    const settleStarted = performance.now();
    await settleWorkflows(temporal, LEADS);
    log(`their first workflow tasks took ${((performance.now() - settleStarted) / 1000).toFixed(0)} s more`);

    // The measured part: publish version 2 and rescore every lead through the worker.
    await versions.model.create({ modelId, version: 2, name: graph2.name, graph: graph2, compiled: compileGraph(graph2), changeNote: 'bench v2', publishedAt: new Date() });
    const started = performance.now();
    const handle = await temporal.workflow.start<typeof rescoreWorkflow>('rescoreWorkflow', { taskQueue: TASK_QUEUE, workflowId: rescoreWorkflowId(2), args: [{ modelVersion: 2, batchSize: BATCH }] });
    let progress: RescoreProgress | undefined;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      progress = await readRescoreProgress(handle).catch(() => progress);
      const seconds = (performance.now() - started) / 1000;
      if (progress) {
        const { batch } = progress;
        const underWay = batch ? `; batch under way: ${batch.phase} ${fmt(batch.done)} of ${fmt(batch.leads)}` : '';
        log(`rescoring: ${fmt(progress.signalled)} / ${fmt(progress.total)} leads (${((progress.signalled / Math.max(1, progress.total)) * 100).toFixed(1)} %)${underWay}, ${seconds.toFixed(0)} s, ${fmt(progress.signalled / seconds)} leads/s`);
      }
      if (progress?.done) break;
      if (TIMEOUT_MIN > 0 && seconds > TIMEOUT_MIN * 60) {
        log(`stopped waiting after ${TIMEOUT_MIN} minutes: the figures below are for the leads done so far`);
        break;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const p = progress as RescoreProgress;
    log('');
    log(`Rescored ${fmt(p.signalled)} of ${fmt(p.total)} leads (${fmt(p.events ?? 0)} events) in ${seconds.toFixed(1)} s: ${fmt(p.signalled / seconds)} leads/s, ${fmt((p.events ?? 0) / seconds)} events/s`);
    log(`  rescored in bulk ${fmt(p.rescored ?? 0)} (${fmt(p.awaitingTurn ?? 0)} written into the read side for their workflow's next turn, ${fmt((p.rescored ?? 0) - (p.awaitingTurn ?? 0))} handed their result by an update), replayed themselves ${fmt(p.deferred ?? 0)}, without a workflow ${fmt(p.missing ?? 0)}`);
    const m = p.millis ?? { read: 0, replay: 0, deliver: 0, write: 0 };
    log(`  where the time went (batch activity): reading events ${(m.read / 1000).toFixed(1)} s, replaying ${(m.replay / 1000).toFixed(1)} s, updates to the lead workflows ${(m.deliver / 1000).toFixed(1)} s, writes ${(m.write / 1000).toFixed(1)} s`);
    log(`  seeding took ${seedSeconds.toFixed(0)} s`);
  } finally {
    await temporal?.connection.close().catch(() => undefined);
    await db?.disconnect().catch(() => undefined);
    await worker?.stop();
    await Promise.all(services.map((service) => service.stop()));
    if (!process.env.KEEP_BENCH_DIR) await rm(runDir, { recursive: true, force: true });
    else log(`kept ${runDir}`);
  }
}

/** Waits until the worker has run every started lead workflow's first task (its task queue is empty). */
async function settleWorkflows(temporal: Client, leads: number): Promise<void> {
  const probe = Math.max(0, leads - 1);
  // Each workflow's first task runs in start order, roughly: the last one answering a query means the backlog is through.
  const handle = temporal.workflow.getHandle(leadWorkflowId(`lead-${String(probe).padStart(7, '0')}`));
  for (;;) {
    try {
      await temporal.connection.withDeadline(Date.now() + 60_000, () => handle.query('leadState'));
      return;
    } catch {
      // Not answered yet: the worker is still busy.
    }
  }
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const runner = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
}

/** A run against an existing MongoDB gets a database of its own, so it never touches real data. */
function withDatabase(uri: string): string {
  const url = new URL(uri);
  url.pathname = `/leadflow_bench_${Date.now()}`;
  return url.toString();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  await main();
}
