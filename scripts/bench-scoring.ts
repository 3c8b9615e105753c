/**
 * Scoring benchmark (not a test). For each shipped template and a generated 1,000-rule model:
 * events scored per second through LeadFlow's scorer with the compiled evaluator (the default),
 * through the same scorer on json-rules-engine (the reference), and through a bare
 * json-rules-engine set up by hand (one Engine holding every rule, no trigger index). Beside
 * them, the database round trips a live turn of a lead costs, counted on a real FerretDB (or the
 * MongoDB that MONGODB_URI names). Then rescoring 100,000 leads × 50 events each through the
 * lifecycle core's replay, with progress. Run with `npm run bench`; it prints figures and
 * asserts nothing. BENCH_EVENTS, BENCH_SECONDS, BENCH_TURN_LEADS and BENCH_RESCORE_LEADS scale it.
 */
import { Engine } from 'json-rules-engine';
import mongoose from 'mongoose';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLeadHistoryRepository } from '../api/db/lead-histories.repository';
import { createLeadRepository } from '../api/db/leads.repository';
import { createModelVersionRepository } from '../api/db/model-versions.repository';
import { createRouteCounterRepository } from '../api/db/route-counters.repository';
import { mulberry32 } from '../engine/calibration/split';
import { advance, emptyMemory, type LeadMemory } from '../engine/lead-context';
import { emptyLifecycle, lifecycleModel, replay, turn, type LeadInput, type Lifecycle, type LifecycleModel } from '../engine/lifecycle/lifecycle';
import { createScorer, newEngine, toFacts } from '../engine/score-event';
import type { CompiledModel, LeadEvent, ScoringContext } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { EVENT_TYPES } from '../rules/facts-catalogue';
import { ruleGraphSchema, type RuleGraphInput } from '../rules/graph.schema';
import { b2bDefaultGraph, TEMPLATES } from '../rules/templates';
import { createLeadActivities, type LeadActivityDeps } from '../workflows/lead.activities';
import type { ProjectionWrite } from '../workflows/lead.definitions';
import { startMongo } from './services';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const models: Array<[string, CompiledModel]> = [
  ...Object.entries(TEMPLATES).map(([name, graph]): [string, CompiledModel] => [name, compileGraph(graph)]),
  ['generated-1000', compileGraph(generatedGraph(1_000))],
];
const events = sampleEvents(EVENTS);
const contexts = contextsFor(events);

console.log(`LeadFlow scoring benchmark — ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`);
console.log(`${EVENTS} sample events, at most ${SECONDS} s per measurement, one core (sequential awaits); JRE = json-rules-engine\n`);
console.log(pad(['model', 'rules', 'compiled ev/s', 'µs/ev', 'on JRE ev/s', 'µs/ev', 'bare JRE ev/s', 'µs/ev', 'compiled ÷ bare']));
for (const [name, model] of models) {
  const compiled = createScorer(model);
  const reference = createScorer(model, { evaluator: 'json-rules-engine' });
  const bare = bareEngine(model);
  const fast = await measure(async (i) => void (await compiled.score(events[i]!, contexts[i]!)));
  const onJre = await measure(async (i) => void (await reference.score(events[i]!, contexts[i]!)));
  const theirs = await measure(async (i) => void (await bare.run(toFacts(events[i]!, contexts[i]!))));
  const us = (perSecond: number) => (1e6 / perSecond).toFixed(1);
  console.log(pad([name, String(model.rules.length), fmt(fast), us(fast), fmt(onJre), us(onJre), fmt(theirs), us(theirs), `${(fast / theirs).toFixed(0)}×`]));
}

await benchRoundTrips(Number(process.env.BENCH_TURN_LEADS ?? 10), 20);

await benchRescoring(Number(process.env.BENCH_RESCORE_LEADS ?? 100_000), 50);

/**
 * Database round trips per live turn, counted rather than assumed. A turn of a lead's workflow
 * (workflows/lead.workflow.ts) is the modelNews local activity, the core's `turn`, for a
 * round-robin handoff the ownerFor activity, and the writeProjection activity; here those
 * activities are the real ones (createLeadActivities) over the real repositories, wired as the
 * worker wires them (workflows/worker.ts: the input-log append, then the read-side write), and
 * every command the MongoDB driver sends is counted (command monitoring). `leads` leads take
 * `perLead` turns of one event each, back to back.
 */
async function benchRoundTrips(leads: number, perLead: number): Promise<void> {
  console.log(`\nDatabase round trips per live turn: ${leads} leads × ${perLead} turns of one event, real activities and repositories, MongoDB commands counted`);
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'leadflow-bench-turns-'));
  const external = Boolean(process.env.MONGODB_URI);
  let mongo: Awaited<ReturnType<typeof startMongo>> | undefined;
  let db: typeof mongoose | undefined;
  try {
    mongo = await startMongo({ port: 0, dataDir: path.join(runDir, 'ferretdb'), logFile: path.join(runDir, 'ferretdb.log'), database: 'leadflow_bench_turns', log: () => {} });
    const uri = new URL(mongo.address);
    // A database of its own, dropped afterwards: an existing MongoDB's data is never touched.
    uri.pathname = `/leadflow_bench_turns_${Date.now()}`;
    db = await new mongoose.Mongoose().connect(uri.toString(), { monitorCommands: true });
    const commands: Array<{ name: string; collection: string }> = [];
    db.connection.getClient().on('commandStarted', (event) => {
      const target = (event.command as Record<string, unknown>)[event.commandName];
      commands.push({ name: event.commandName, collection: typeof target === 'string' ? target : '' });
    });
    const histories = createLeadHistoryRepository(db.connection);
    const leadRepository = createLeadRepository(db.connection);
    const versions = createModelVersionRepository(db.connection);
    const counters = createRouteCounterRepository(db.connection);
    await Promise.all([histories.model, ...leadRepository.models, versions.model, ...counters.models].map((model) => model.init()));
    const modelId = 'bench-turns';
    const graph = ruleGraphSchema.parse(b2bDefaultGraph);
    await versions.model.create({ modelId, version: 1, name: graph.name, graph, compiled: compileGraph(graph), changeNote: 'bench', publishedAt: new Date() });
    // The worker's wiring (workflows/worker.ts), less webhooks: nobody is subscribed here.
    const deps: LeadActivityDeps = {
      modelState: async () => ({ modelId, ...(await versions.state(modelId)) }),
      async modelVersion(id, version) {
        const found = await versions.get(id, version);
        if (!found) throw new Error(`no version ${version}`);
        return { version: found.version, compiled: found.compiled };
      },
      roundRobinPosition: (routeId, handoffId) => counters.roundRobinPosition(routeId, handoffId),
      async writeProjection(write) {
        if (write.applied) await histories.append(write.snapshot.leadId, write.applied.from, write.applied.inputs);
        await leadRepository.writeProjection(write);
      },
      writeLedger: (leadId, from, entries, order) => leadRepository.writeLedger(leadId, from, entries, order),
      inputLog: async (leadId, count) => (await histories.completeHistories([{ leadId, inputCount: count }])).get(leadId) ?? null,
      listening: async () => false,
      notify: async () => {},
      listLeadIds: (after, limit) => leadRepository.listLeadIds(after, limit),
      countLeads: () => leadRepository.countLeads(),
    };
    const activities = createLeadActivities(deps);

    const random = mulberry32(5);
    const counted = { turns: 0, writes: 0, modelNews: 0, ownerFor: 0, writeProjection: 0, owners: 0 };
    const byCollection = new Map<string, number>();
    const measured = async <T>(into: 'modelNews' | 'ownerFor' | 'writeProjection', work: () => Promise<T>): Promise<T> => {
      const from = commands.length;
      const result = await work();
      counted[into] += commands.length - from;
      for (const { name, collection } of commands.slice(from)) byCollection.set(`${name} ${collection}`, (byCollection.get(`${name} ${collection}`) ?? 0) + 1);
      return result;
    };
    const now = Date.now();
    for (let lead = 0; lead < leads; lead++) {
      const leadId = `turns-${lead}`;
      let model: LifecycleModel | undefined;
      let lifecycle: Lifecycle = emptyLifecycle(leadId);
      let revision = 0;
      let logged = 0;
      for (const sample of turnTimeline(leadId, perLead, random, now)) {
        // Live traffic: the turn runs a moment after the event happened (so an owner given now is not later than the next event).
        const at = new Date(Date.parse(sample.occurredAt) + 1_000).toISOString();
        // As the workflow's loop does it (lead.workflow.ts), one event per turn.
        const news = await measured('modelNews', () => activities.modelNews({ version: model?.version ?? null, rescoredUnder: null }));
        if (news.compiled || !model) model = lifecycleModel(news.version, news.compiled as CompiledModel, createScorer(news.compiled as CompiledModel));
        const before = lifecycle;
        let result = await turn(lifecycle, [{ kind: 'event', event: sample }], at, model);
        let { ledger, handoffs } = result;
        const ledgerFrom = result.ledgerFrom;
        if (result.needsOwner) {
          counted.owners += 1;
          const owner = await measured('ownerFor', () => activities.ownerFor({ modelVersion: model!.version, ...result.needsOwner! }));
          if (owner !== undefined) {
            const assigned = await turn(result.lifecycle, [{ kind: 'owner', handoffId: result.needsOwner.handoffId, owner, at: at }], at, model);
            ledger = [...ledger.slice(0, assigned.ledgerFrom - ledgerFrom), ...assigned.ledger];
            handoffs = [...new Map([...handoffs, ...assigned.handoffs].map((h) => [h.handoffId, h])).values()];
            result = { ...assigned, applied: [...result.applied, ...assigned.applied], ledgerFrom };
          }
        }
        lifecycle = result.lifecycle;
        revision += 1;
        const replace = ledgerFrom < before.settled.snapshot.ledgerSize;
        const write: ProjectionWrite = {
          snapshot: { ...lifecycle.settled.snapshot, revision, inputCount: logged + result.applied.length },
          ledgerFrom,
          ledger,
          handoffs,
          ...(replace && { replace: true as const }),
          ...(result.applied.length > 0 && { applied: { from: logged, inputs: result.applied as LeadInput[] } }),
        };
        await measured('writeProjection', () => activities.writeProjection(write));
        logged += result.applied.length;
        counted.turns += 1;
      }
    }
    await db.connection.dropDatabase();
    const per = (n: number) => (n / counted.turns).toFixed(2);
    const total = counted.modelNews + counted.ownerFor + counted.writeProjection;
    console.log(`  database round trips per live turn: ${per(total)} (${total} commands over ${counted.turns} turns, ${mongo.external ? 'MONGODB_URI' : 'FerretDB'})`);
    console.log(`    writeProjection ${per(counted.writeProjection)} (input-log append, then ledger, handoffs and snapshot), ownerFor ${per(counted.ownerFor)} (${counted.owners} round-robin handoffs), modelNews ${per(counted.modelNews)} (its 1 s cache of the model state was fresh for back-to-back turns)`);
    console.log(`    by command: ${[...byCollection.entries()].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${what} ${per(n)}`).join(', ')}`);
  } catch (err) {
    console.log(`  not measured: ${(err as Error).message}`);
  } finally {
    await db?.disconnect().catch(() => undefined);
    await mongo?.stop();
    if (!external) await rm(runDir, { recursive: true, force: true });
  }
}

/** One lead's events, minutes apart over the last hours: a CRM sync first, then web, email and forms. */
function turnTimeline(leadId: string, count: number, random: () => number, now: number): LeadEvent[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const kinds: Array<Pick<LeadEvent, 'type' | 'properties'>> = [
    { type: 'page_view', properties: { url: '/pricing' } },
    { type: 'page_view', properties: { url: '/blog/scoring-101' } },
    { type: 'email_open', properties: {} },
    { type: 'email_click', properties: {} },
    { type: 'form_submit', properties: { form: 'demo_request' } },
    { type: 'webinar_attended', properties: {} },
  ];
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${leadId}-${i}`,
    leadId,
    ...(i === 0 ? { type: 'custom', properties: { name: 'crm_sync' }, attributes: { seniority: pick(['vp', 'staff']), companySize: pick([50, 500, 5000]), country: 'US' } } : pick(kinds)),
    occurredAt: new Date(now - (count - i) * 5 * 60_000).toISOString(),
  }));
}

/**
 * Rescoring as the bulk rescoring replays a lead (the lifecycle core's `replay`: scoring, limits,
 * caps, decay, thresholds and handoffs, as of now) for `leads` leads of `perLead` events each.
 * Logs are generated in memory: the database read and write the rescoring adds are not in this
 * figure (`npm run bench:rescore` measures those).
 */
async function benchRescoring(leads: number, perLead: number): Promise<void> {
  const compiled = compileGraph(TEMPLATES['b2b-default']!);
  const model = lifecycleModel(2, compiled, createScorer(compiled));
  const random = mulberry32(99);
  // Each log covers the hours before one fixed instant: the same deadlines to take on any day.
  const asOf = Date.now();
  console.log(`\nRescoring ${leads.toLocaleString('en-US')} leads × ${perLead} events under b2b-default (the core's replay, in memory)`);
  const started = performance.now();
  let lastReport = started;
  for (let lead = 0; lead < leads; lead++) {
    const leadId = `rescore-${lead}`;
    const log = Array.from({ length: perLead }, (_, i): LeadInput => ({ kind: 'event', event: { ...events[Math.floor(random() * events.length)]!, eventId: `${leadId}-${i}`, leadId, occurredAt: new Date(asOf - (perLead - i) * 3_600_000).toISOString() } }));
    await replay(leadId, log, new Date(asOf).toISOString(), model);
    const now = performance.now();
    if (now - lastReport > 5_000 || lead === leads - 1) {
      lastReport = now;
      const done = lead + 1;
      const seconds = (now - started) / 1000;
      console.log(`  ${done.toLocaleString('en-US')} leads (${((done / leads) * 100).toFixed(0)} %), ${seconds.toFixed(1)} s, ${fmt((done * perLead) / seconds)} events/s`);
    }
  }
  console.log(`Rescored ${(leads * perLead).toLocaleString('en-US')} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs `work` over the sample (cycling) for up to SECONDS; returns events per second. */
async function measure(work: (index: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < 200; i++) await work(i % events.length); // warm-up
  const started = performance.now();
  let done = 0;
  while (done < events.length && performance.now() - started < SECONDS * 1000) {
    await work(done % events.length);
    done++;
  }
  return done / ((performance.now() - started) / 1000);
}

/** The hand-made baseline: every rule in one engine, with the operators and facts rules need. */
function bareEngine(model: CompiledModel): Engine {
  const engine = newEngine();
  for (const rule of model.rules) engine.addRule({ name: rule.id, conditions: rule.conditions, event: rule.event, priority: rule.priority });
  return engine;
}

function sampleEvents(count: number): LeadEvent[] {
  const random = mulberry32(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const urls = ['/pricing', '/blog/scoring-101', '/demo', '/careers/sdr', '/products/analytics', '/products/payments', '/docs'];
  return Array.from({ length: count }, (_, i) => ({
    eventId: `bench-${i}`,
    leadId: `lead-${i % 500}`,
    type: pick(EVENT_TYPES),
    properties: { url: pick(urls), form: pick(['demo_request', 'newsletter', 'contact_sales']), assetType: pick(['guide', 'whitepaper']), action: pick(['follow', 'share']) },
    ...(random() < 0.2 && {
      attributes: { seniority: pick(['vp', 'staff', 'student']), companySize: Math.floor(random() * 5000), country: pick(['US', 'DE', 'BR']), email: pick(['a@gmail.com', 'b@acme.com']) },
    }),
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  }));
}

/** Each event's context as its lead had it: attributes, changes, history. */
function contextsFor(list: LeadEvent[]): ScoringContext[] {
  const memories = new Map<string, LeadMemory>();
  return list.map((event) => {
    const { context, next } = advance(memories.get(event.leadId) ?? emptyMemory(), event);
    memories.set(event.leadId, next);
    return context;
  });
}

/** `count` rules, each a trigger plus a condition of three leaves, over shared triggers. */
function generatedGraph(count: number): RuleGraphInput {
  const random = mulberry32(7);
  const nodes: RuleGraphInput['nodes'] = EVENT_TYPES.map((type) => ({ id: `t-${type}`, kind: 'trigger', eventTypes: [type] }));
  const edges: RuleGraphInput['edges'] = [];
  for (let i = 0; i < count; i++) {
    const trigger = `t-${EVENT_TYPES[i % EVENT_TYPES.length]}`;
    nodes.push({
      id: `c${i}`,
      kind: 'condition',
      match: 'all',
      conditions: [
        { fact: 'event.url', operator: 'startsWith', value: random() < 0.5 ? '/pricing' : '/blog' },
        { fact: 'lead.companySize', operator: 'greaterThanInclusive', value: Math.floor(random() * 1000) },
        { fact: 'lead.country', operator: 'in', value: ['US', 'DE'] },
      ],
    });
    nodes.push({ id: `p${i}`, kind: 'points', score: 'engagement', points: 1 + (i % 20) });
    edges.push({ id: `e${i}a`, source: trigger, target: `c${i}` }, { id: `e${i}b`, source: `c${i}`, target: `p${i}` });
  }
  nodes.push({ id: 'th', kind: 'threshold', score: 'total', value: 100, stage: 'mql' }, { id: 'r', kind: 'route', team: 'Sales', queue: 'sales' });
  edges.push({ id: 'e-th', source: 'th', target: 'r' });
  return { name: `generated ${count}`, scores: [{ id: 'engagement', label: 'Engagement' }], nodes, edges };
}

function fmt(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

function pad(cells: string[]): string {
  const widths = [16, 6, 14, 7, 12, 7, 14, 8, 15];
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}
