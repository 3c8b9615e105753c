/**
 * Scoring benchmark (not a test). For each shipped template and a generated 1,000-rule model:
 * events scored per second through LeadFlow's scorer with the compiled evaluator (the default),
 * through the same scorer on json-rules-engine (the reference), and through a bare
 * json-rules-engine set up by hand (one Engine holding every rule, no trigger index). Then
 * rescoring 100,000 leads × 50 events each, with progress. Run with `npm run bench`; it prints
 * figures and asserts nothing. BENCH_EVENTS, BENCH_SECONDS and BENCH_RESCORE_LEADS scale it.
 */
import { Engine } from 'json-rules-engine';
import os from 'node:os';
import { mulberry32 } from '../engine/calibration/split';
import { advance, emptyMemory, type LeadMemory } from '../engine/lead-context';

import { createScorer, newEngine, toFacts } from '../engine/score-event';
import type { CompiledModel, LeadEvent, ScoringContext } from '../engine/types';
import { replayLead } from '../workflows/rescore-lead';
import { compileGraph } from '../rules/compile-graph';
import { EVENT_TYPES } from '../rules/facts-catalogue';
import type { RuleGraphInput } from '../rules/graph.schema';
import { TEMPLATES } from '../rules/templates';

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

await benchRescoring(Number(process.env.BENCH_RESCORE_LEADS ?? 100_000), 50);

/**
 * Rescoring as the rescoreLead activity does it (replayLead: scoring, limits, caps) for `leads`
 * leads of `perLead` events each. Histories are generated in memory: the database read that
 * the activity adds is not in this figure.
 */
async function benchRescoring(leads: number, perLead: number): Promise<void> {
  const model = { version: 2, compiled: compileGraph(TEMPLATES['b2b-default']!) };
  const scorer = createScorer(model.compiled);
  const random = mulberry32(99);
  console.log(`\nRescoring ${leads.toLocaleString('en-US')} leads × ${perLead} events under b2b-default (replayLead, in memory)`);
  const started = performance.now();
  let lastReport = started;
  for (let lead = 0; lead < leads; lead++) {
    const leadId = `rescore-${lead}`;
    const history = Array.from({ length: perLead }, (_, i) => ({ ...events[Math.floor(random() * events.length)]!, eventId: `${leadId}-${i}`, leadId, occurredAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString() }));
    await replayLead(scorer, model, leadId, history);
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
