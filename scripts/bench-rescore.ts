/**
 * Rescoring benchmark, end to end (not a test): seeds N leads x M events (default 100,000 x 50)
 * with their lead workflows running, publishes a changed model version, and rescores every lead
 * through the worker's bulk path (read each lead's packed input log, replay it with the lifecycle
 * core, write the read sides in bulk), printing progress and the final figures.
 *
 *   npm run bench:rescore -- --leads 100000 --events 50 [--batch 25000] [--timeout-minutes 60]
 *
 * Starts its own Temporal dev server and FerretDB (scripts/services.ts) unless TEMPORAL_ADDRESS /
 * MONGODB_URI name running ones, and a real worker process (scripts/stack.ts).
 *
 * Seeding is not measured and does not go through the API: one event at a time through the API
 * and 100,000 leads' workflows scoring 50 events each would take hours on this machine. Each
 * lead's first turn is run here with the lifecycle core's `turn`, as its workflow would run it
 * had its events come in one batch (a round-robin handoff gets its owner as the workflow gives
 * it); then its events, its packed input log, its snapshot (revision 1, `inputCount`) and, on
 * request, its ledger and handoffs are inserted in bulk, and its workflow is started with that
 * state (as after a continue-as-new).
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
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
import { lifecycleModel, type LeadInput, type LifecycleModel } from '../engine/lifecycle/lifecycle';
import { createScorer } from '../engine/score-event';
import type { CompiledModel, LeadEvent } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import { leadWorkflowId, rescoreWorkflowId, TASK_QUEUE, type RescoreProgress } from '../workflows/lead.definitions';
import type { leadWorkflow } from '../workflows/lead.workflow';
import { firstLife, type FirstLife } from '../workflows/first-life';
import type { rescoreWorkflow } from '../workflows/rescore.workflow';
import { readRescoreProgress } from '../workflows/rescore-progress';
import { startMongo, startTemporal, type RunningService } from './services';
import { startWorker, type AppProcess } from './stack';

export interface SeedOptions {
  events: EventRepository;
  /** Each lead's packed input log, as its workflow would have appended it. */
  histories: LeadHistoryRepository;
  leads: LeadRepository;
  temporal: Client;
  model: { version: number; compiled: CompiledModel };
  /** Also insert the ledger entries and handoffs the workflows would have written. */
  withLedger?: boolean;
}

/** A lead as its workflow holds and writes it after its first turn. */
export type SeededLead = FirstLife;

/**
 * Seeds leads as if their workflows had taken `events` in one turn under `model`: stores the
 * events, each lead's input log and snapshot (and ledger and handoffs), and starts each workflow
 * with that state.
 */
export async function seedLeads(options: SeedOptions, batch: Array<{ leadId: string; events: LeadEvent[]; answers?: LeadInput[] }>): Promise<SeededLead[]> {
  const model = lifecycleModel(options.model.version, options.model.compiled, createScorer(options.model.compiled));
  const now = new Date().toISOString();
  const seeded: SeededLead[] = [];
  for (const { leadId, events, answers } of batch) seeded.push(await firstTurn(model, leadId, events, now, answers));
  // Each collection is keyed by its natural id (api/db/natural-keys.ts).
  await options.events.model.insertMany(
    batch.flatMap(({ events }) => events.map((event) => ({ _id: event.eventId, ...event, receivedAt: new Date() }))),
    { ordered: false, lean: true },
  );
  await options.histories.insertHistories(seeded.map(({ snapshot, log }) => ({ leadId: snapshot.leadId, events: log })));
  // Copies: the workflows get the originals.
  await options.leads.writeProjections(
    seeded.map(({ snapshot, ledger, handoffs }) => structuredClone({ snapshot, ledger: options.withLedger ? ledger : [], handoffs: options.withLedger ? handoffs : [] })),
  );
  await forEachConcurrently(seeded, 32, ({ snapshot, carried }) =>
    options.temporal.workflow.start<typeof leadWorkflow>('leadWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: leadWorkflowId(snapshot.leadId),
      args: [{ leadId: snapshot.leadId, carried }],
    }),
  );
  return seeded;
}

/**
 * A lead's first turn as its workflow takes it when `events` arrive in one batch at `now`
 * (workflows/first-life.ts), a round-robin handoff given the first owner in line (seeding keeps
 * no route counter). Sales `answers` (inputs of kind answer, dated before now) arrive with the
 * events, as if answered meanwhile.
 */
export function firstTurn(model: LifecycleModel, leadId: string, events: readonly LeadEvent[], now: string, answers: readonly LeadInput[] = []): Promise<SeededLead> {
  const firstOwner = async ({ routeId, handoffId }: { routeId: string; handoffId: string }) => {
    const route = model.compiled.routes.find((r) => r.id === routeId);
    return route && assignOwner(route, 0, handoffId);
  };
  return firstLife(model, leadId, [...events.map((event): LeadInput => ({ kind: 'event', event })), ...answers], now, firstOwner);
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

const USAGE = `Rescoring benchmark: seeds leads with their workflows running, publishes version 2 and rescores every lead in bulk.

  npm run bench:rescore -- [--leads N] [--events M] [--batch B] [--timeout-minutes T]

  --leads            leads to seed (default 100000)
  --events           events per lead (default 50)
  --batch            leads per rescoreBatch activity (default 25000, the rescore workflow's own)
  --timeout-minutes  stop waiting for the rescoring after T minutes and print the figures so far (default 0: wait)

Starts a Temporal dev server, FerretDB and a worker of its own (TEMPORAL_ADDRESS / MONGODB_URI name
running ones instead; a MongoDB gets a database of its own). KEEP_BENCH_DIR=1 keeps the logs.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const arg = (name: string, fallback: number) => {
    const at = process.argv.indexOf(`--${name}`);
    if (at < 0) return fallback;
    const value = Number(process.argv[at + 1]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`bench:rescore: --${name} needs a number, got "${process.argv[at + 1] ?? ''}"\n\n${USAGE}`);
    return value;
  };
  const LEADS = arg('leads', 100_000);
  const EVENTS = arg('events', 50);
  const BATCH = arg('batch', 25_000);
  const TIMEOUT_MIN = arg('timeout-minutes', 0);
  const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  log(`LeadFlow rescoring benchmark — ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`);
  log(`${fmt(LEADS)} leads x ${EVENTS} events, batches of ${fmt(BATCH)} leads`);

  // Interrupted: exit, so that the services and the worker this run started are stopped with it (services.ts).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
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
    const handle = await temporal.workflow.start<typeof rescoreWorkflow>('rescoreWorkflow', { taskQueue: TASK_QUEUE, workflowId: rescoreWorkflowId(modelId, 2), args: [{ modelId, modelVersion: 2, batchSize: BATCH }] });
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
    // The server's own start and close of the rescoring: exact, where polling is only every 5 s.
    const { startTime, closeTime } = await handle.describe();
    const seconds = progress?.done && closeTime ? (closeTime.getTime() - startTime.getTime()) / 1000 : (performance.now() - started) / 1000;
    const p = progress as RescoreProgress;
    const inputs = p.events ?? 0;
    // Woken leads replay their logs again in their own workflows and write once more (revision 1 → 2).
    let actedAfter: number | undefined;
    if (p.done && (p.woken ?? 0) > 0) {
      const [Lead] = leads.models;
      for (;;) {
        const acted = await Lead.countDocuments({ revision: { $gt: 1 } });
        actedAfter = (performance.now() - started) / 1000 - seconds;
        if (acted >= (p.woken ?? 0)) break;
        if (TIMEOUT_MIN > 0 && (performance.now() - started) / 1000 > TIMEOUT_MIN * 60) {
          log(`stopped waiting for the woken workflows: ${fmt(acted)} of ${fmt(p.woken ?? 0)} had written`);
          actedAfter = undefined;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
    }
    log('');
    log(`Rescored ${fmt(p.signalled)} of ${fmt(p.total)} leads (${fmt(inputs)} inputs replayed) in ${seconds.toFixed(1)} s: ${fmt(p.signalled / seconds)} leads/s, ${fmt(inputs / seconds)} events/s`);
    log(`  read sides rewritten in bulk ${fmt(p.rescored ?? 0)}, left to their own workflow ${fmt(p.deferred ?? 0)}; workflows woken (stage or handoff changed) ${fmt(p.woken ?? 0)}`);
    const m = p.millis ?? { read: 0, replay: 0, write: 0 };
    // The batch replays one slice while it reads the next and writes the previous: the phases overlap.
    log(`  where the batches' time went: reading input logs ${(m.read / 1000).toFixed(1)} s, replaying ${(m.replay / 1000).toFixed(1)} s (${((m.replay * 1000) / Math.max(1, inputs)).toFixed(1)} µs/input), writing read sides and waking ${(m.write / 1000).toFixed(1)} s`);
    const batches = await batchSeconds(handle);
    log(`  of which in rescoreBatch activities (started to completed, as the server saw them): ${batches.running.toFixed(1)} s; before the first batch started (marking the version, counting the leads) ${batches.before.toFixed(1)} s, after the last one ${batches.after.toFixed(1)} s`);
    if (actedAfter !== undefined) log(`  the woken workflows' own turns (each replays its log and writes again) were all written ${actedAfter.toFixed(1)} s after the rescoring ended`);
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

/**
 * From the rescoring's history: seconds its rescoreBatch activities ran (Started to Completed),
 * and the seconds before the first one started and after the last one completed (marking the
 * version, counting the leads, workflow tasks).
 */
async function batchSeconds(handle: WorkflowHandle): Promise<{ running: number; before: number; after: number }> {
  const history = await handle.fetchHistory();
  const batches = new Set<string>();
  const startedAt = new Map<string, number>();
  let running = 0;
  let firstStarted: number | undefined;
  let lastCompleted: number | undefined;
  const time = (event: NonNullable<typeof history.events>[number]) => Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
  const events = history.events ?? [];
  for (const event of events) {
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'rescoreBatch') batches.add(String(event.eventId));
    const started = event.activityTaskStartedEventAttributes;
    if (started && batches.has(String(started.scheduledEventId))) {
      startedAt.set(String(started.scheduledEventId), time(event));
      firstStarted ??= time(event);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed && startedAt.has(String(completed.scheduledEventId))) {
      running += time(event) - (startedAt.get(String(completed.scheduledEventId)) as number);
      lastCompleted = time(event);
    }
  }
  const first = events[0] ? time(events[0]) : 0;
  const last = events.at(-1) ? time(events.at(-1)!) : 0;
  return { running: running / 1000, before: ((firstStarted ?? first) - first) / 1000, after: (last - (lastCompleted ?? last)) / 1000 };
}

/**
 * Waits until the worker has run every started lead workflow's first task: the last one started
 * answers a query, and the task queue's backlog, as the server counts it, is empty (else the
 * rescoring's own tasks would wait behind them and be measured).
 */
async function settleWorkflows(temporal: Client, leads: number): Promise<void> {
  const probe = Math.max(0, leads - 1);
  const handle = temporal.workflow.getHandle(leadWorkflowId(`lead-${String(probe).padStart(7, '0')}`));
  for (;;) {
    try {
      await temporal.connection.withDeadline(Date.now() + 60_000, () => handle.query('leadState'));
      break;
    } catch {
      // Not answered yet: the worker is still busy.
    }
  }
  for (;;) {
    const described = await temporal.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: TASK_QUEUE },
      taskQueueType: 1, // workflow tasks
      reportStats: true,
    });
    const backlog = Number(described.stats?.approximateBacklogCount ?? 0);
    if (backlog === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
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
