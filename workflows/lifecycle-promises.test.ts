/**
 * The lifecycle core runs in Temporal's workflow sandbox, whose promise hook captures a stack
 * trace for every promise workflow code creates (engine/steps.ts). On a fully compiled model a
 * turn must create no promise, however many inputs it folds. This test lives
 * here rather than beside the core because counting promises needs a Node built-in (node:v8),
 * which engine/ may not import, tests included.
 */
import { promiseHooks } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyLifecycle, lifecycleModel, turn, type LeadInput, type LifecycleModel } from '../engine/lifecycle/lifecycle';
import { createScorer } from '../engine/score-event';
import type { CompiledModel } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { b2bDefaultGraph } from '../rules/templates';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Events of every path through the core: attribute syncs (segment), rules of each trigger, a demo request that qualifies the lead (routing). */
const shapes: Array<{ type: string; properties: Record<string, string>; attributes?: Record<string, string | number> }> = [
  { type: 'custom', properties: { name: 'crm_sync' }, attributes: { seniority: 'vp', companySize: 1500, industry: 'software', country: 'US' } },
  { type: 'page_view', properties: { url: '/pricing' } },
  { type: 'page_view', properties: { url: '/blog/post' } },
  { type: 'email_open', properties: {} },
  { type: 'form_submit', properties: { form: 'demo_request' } },
  { type: 'email_click', properties: {} },
  { type: 'webinar_attended', properties: {} },
  { type: 'custom', properties: { name: 'crm_sync' }, attributes: { companySize: 150, email: 'x@gmail.com' } },
  { type: 'content_download', properties: { asset: 'guide' } },
  { type: 'page_view', properties: { url: '/careers' } },
];

function events(count: number): LeadInput[] {
  return Array.from({ length: count }, (_, i) => ({ kind: 'event', event: { eventId: `e${i}`, leadId: 'p', ...(shapes[i % shapes.length] as (typeof shapes)[number]), occurredAt: iso(T0 + i * 7 * MINUTE) } }));
}

/** Where engine/'s code is: a promise created there has one of its files on the stack. */
const ENGINE = new URL('../engine/', import.meta.url).pathname;

/**
 * Promises engine/ code creates from the call of `run` until what it returns has settled. Others
 * (the test runner's, the console's) are left out: they would make the count flaky.
 */
async function promisesDuring(run: () => unknown): Promise<number> {
  let count = 0;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stop = promiseHooks.onInit(() => {
    if (new Error().stack?.includes(ENGINE)) count++;
  });
  try {
    await run();
  } finally {
    stop();
    Error.stackTraceLimit = limit;
  }
  return count;
}

/** Promises one turn creates folding `count` events into a new lead. */
async function promisesOfTurn(model: LifecycleModel, count: number): Promise<number> {
  const inputs = events(count);
  const now = iso(T0 + count * 7 * MINUTE);
  await turn(emptyLifecycle('p'), inputs, now, model); // warm up: lazy initialisation is not per input
  return promisesDuring(() => turn(emptyLifecycle('p'), inputs, now, model));
}

describe('promises the lifecycle core creates', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on a fully compiled model: as many for a turn of 50 events as for one of 5', async () => {
    const compiled = compileGraph(b2bDefaultGraph);
    const scorer = createScorer(compiled);
    expect(scorer.stats.fallback).toBe(0);
    const model = lifecycleModel(1, compiled, scorer);
    const few = await promisesOfTurn(model, 5);
    const many = await promisesOfTurn(model, 50);
    // None: the turn's result comes as a value, so a lead's workflow awaits nothing for it.
    expect(few).toBe(0);
    expect(many).toBe(few);
  });

  it('with a rule on json-rules-engine: promises where it runs (so the count above would see them)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const compiled = compileGraph(b2bDefaultGraph);
    // A fact-valued right-hand side is outside the compiled subset.
    const fallback: CompiledModel = {
      ...compiled,
      rules: compiled.rules.map((rule) => (rule.id === 'visit-points' ? { ...rule, conditions: { all: [rule.conditions, { fact: 'event.type', operator: 'equal', value: { fact: 'event.type' } }] } } : rule)),
    };
    const model = lifecycleModel(1, fallback, createScorer(fallback));
    expect(await promisesOfTurn(model, 50)).toBeGreaterThan(await promisesOfTurn(model, 5));
  });
});
