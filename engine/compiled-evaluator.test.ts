/**
 * The compiled evaluator against json-rules-engine, the reference: random models, leads and
 * events, and both must fire exactly the same rules with the same params every time. Breaking
 * any one operator of the compiled evaluator on purpose must make this test fail.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileGraph } from '../rules/compile-graph';
import type { RuleGraphInput } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import { groupOf, leadEvent, LEAVES_BY_OPERATOR, validGraph } from '../rules/testing/arbitraries';
import { COMPILED_OPERATORS, type OperatorFunction } from './compiled-evaluator';
import { advance, emptyMemory } from './lead-context';
import { createScorer } from './score-event';
import type { CompiledModel, FactValue, LeadEvent } from './types';

/** Throws at the first event where the compiled scorer and json-rules-engine disagree. */
async function agree(model: CompiledModel, events: LeadEvent[], operators?: Record<string, OperatorFunction>): Promise<void> {
  const compiled = createScorer(model, operators ? { operators } : {});
  const reference = createScorer(model, { evaluator: 'json-rules-engine' });
  expect(compiled.stats.fallback).toBe(0);
  let memory = emptyMemory();
  for (const event of events) {
    const { context, next } = advance(memory, event);
    expect(await compiled.score(event, context)).toEqual(await reference.score(event, context));
    expect(await compiled.segmentOf(context.attributes)).toEqual(await reference.segmentOf(context.attributes));
    memory = next;
  }
}

const events = fc.array(leadEvent, { minLength: 1, maxLength: 6 });

describe('compiled evaluator vs json-rules-engine', () => {
  it('fires the same rules with the same params on random models, leads and events', async () => {
    await fc.assert(
      fc.asyncProperty(validGraph(), events, async (graph, stream) => agree(compileGraph(graph), stream)),
      { numRuns: 1_000 },
    );
  });

  it('agrees on the shipped B2B template, segments and routes included', async () => {
    const model = compileGraph(b2bDefaultGraph);
    await fc.assert(fc.asyncProperty(events, async (stream) => agree(model, stream)), { numRuns: 300 });
    const compiled = createScorer(model);
    const reference = createScorer(model, { evaluator: 'json-rules-engine' });
    for (const companySize of [50, 199, 200, 999, 1000, 5000]) {
      expect(await compiled.route('mql', { companySize })).toEqual(await reference.route('mql', { companySize }));
    }
  });

  /** A model with one rule whose condition uses `operator`, triggered by every event. */
  const modelUsing = (operator: string) =>
    groupOf(2, LEAVES_BY_OPERATOR[operator]!).map(
      (condition): RuleGraphInput => ({
        name: operator,
        scores: [{ id: 'engagement', label: 'E' }],
        nodes: [
          { id: 't', kind: 'trigger', eventTypes: ['page_view', 'email_open', 'form_submit', 'custom'], attributes: ['lead.companySize'] },
          { id: 'c', kind: 'condition', ...condition },
          { id: 'p', kind: 'points', score: 'engagement', points: 1 },
        ],
        edges: [
          { id: 'e1', source: 't', target: 'c' },
          { id: 'e2', source: 'c', target: 'p' },
        ],
      }),
    );
  const sometimesEvents = fc.array(leadEvent.map((e) => ({ ...e, type: 'page_view' })), { minLength: 3, maxLength: 6 });

  // withinDays compiles to `derived.daysSince ≤ N`, olderThanDays to `> N`; eventCount and daysSinceLastActivity to comparisons.
  const underlying: Record<string, string> = { withinDays: 'lessThanInclusive', olderThanDays: 'greaterThan', eventCount: 'greaterThanInclusive', daysSinceLastActivity: 'lessThan' };
  it.each(Object.keys(LEAVES_BY_OPERATOR))('catches a broken %s', async (name) => {
    const operator = underlying[name] ?? name;
    const original = COMPILED_OPERATORS[operator]!;
    const broken = { ...COMPILED_OPERATORS, [operator]: (a: unknown, b: unknown) => !original(a, b) };
    const result = await fc.check(
      fc.asyncProperty(modelUsing(name), sometimesEvents, async (graph, stream) => agree(compileGraph(graph), stream, broken)),
      { numRuns: 300 },
    );
    expect(result.failed).toBe(true);
  });

  it('catches an operator that is wrong only at the boundary (≥ taken for >)', async () => {
    const broken = { ...COMPILED_OPERATORS, greaterThanInclusive: COMPILED_OPERATORS.greaterThan! };
    const result = await fc.check(
      fc.asyncProperty(modelUsing('greaterThanInclusive'), sometimesEvents, async (graph, stream) => agree(compileGraph(graph), stream, broken)),
      { numRuns: 300 },
    );
    expect(result.failed).toBe(true);
  });
});

describe('outside the compiled subset', () => {
  afterEach(() => vi.restoreAllMocks());

  it('falls back to json-rules-engine for that rule, visibly, and gives the same answers', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const model = compileGraph(b2bDefaultGraph);
    // An operator decorator (json-rules-engine 7's `not:`), which our compiler never emits.
    const decorated: CompiledModel = {
      ...model,
      rules: model.rules.map((rule) =>
        rule.id === 'visit-points'
          ? { ...rule, conditions: { all: [{ fact: 'event.type', operator: 'in', value: ['page_view'] }, { fact: 'event.url', operator: 'not:startsWith', value: '/careers' }] } }
          : rule,
      ),
    };
    const scorer = createScorer(decorated);
    expect(scorer.stats).toMatchObject({ rules: model.rules.length, fallback: 1, fallbackRuleIds: ['visit-points'] });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('1 rule(s) run on json-rules-engine, outside the compiled subset: visit-points'));
    const reference = createScorer(decorated, { evaluator: 'json-rules-engine' });
    const context = advance(emptyMemory(), { eventId: 'x', leadId: 'l', type: 'page_view', properties: { url: '/blog' }, occurredAt: '2026-11-01T10:00:00Z' }).context;
    for (const url of ['/blog', '/careers/sdr', '/pricing']) {
      const event = { eventId: url, leadId: 'l', type: 'page_view', properties: { url }, occurredAt: '2026-11-01T10:00:00Z' };
      expect(await scorer.score(event, context)).toEqual(await reference.score(event, context));
    }
    expect((await scorer.score({ eventId: 'b', leadId: 'l', type: 'page_view', properties: { url: '/blog' }, occurredAt: '2026-11-01T10:00:00Z' }, context)).map((h) => h.ruleId)).toEqual(['visit-points']);
  });
});

describe('predictive scores: compiled evaluator vs json-rules-engine', () => {
  // Predictive terms test lead attributes only (withinDays needs an event's time, so it is left out).
  const leadOperators = ['equal', 'notEqual', 'in', 'notIn', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive', 'emailDomainIn', 'keyboardMash', 'notCapitalised', 'isKnown'];
  const leadLeaf = fc.oneof(...leadOperators.map((operator) => LEAVES_BY_OPERATOR[operator]!)).filter((leaf) => leaf.fact.startsWith('lead.'));
  const weight = fc.double({ min: -3, max: 3, noNaN: true });
  const predictiveGraph: fc.Arbitrary<RuleGraphInput> = fc
    .record({
      intercept: weight,
      when: fc.array(fc.record({ group: groupOf(2, leadLeaf), weight }), { maxLength: 8 }),
      linear: fc.option(fc.record({ weight, center: fc.constantFrom(0, 200, 1000), scale: fc.constantFrom(1, 500), upper: fc.option(fc.constantFrom(199, 1000)) })),
    })
    .map(({ intercept, when, linear }) => ({
      name: 'fitted',
      scores: [{ id: 'predictive', label: 'Predicted conversion', min: 0, max: 100 }],
      nodes: [],
      edges: [],
      predictive: [
        {
          score: 'predictive',
          intercept,
          terms: [
            ...when.map(({ group, weight }) => ({ kind: 'when' as const, ...group, weight })),
            ...(linear ? [{ kind: 'linear' as const, fact: 'lead.companySize', weight: linear.weight, center: linear.center, scale: linear.scale, ...(linear.upper !== null && { upper: linear.upper }) }] : []),
          ],
        },
      ],
    }));
  const attributes = fc.array(leadEvent.map((event) => event.attributes ?? {}), { minLength: 1, maxLength: 5 });

  async function agreeOnPredictions(model: CompiledModel, leads: Array<Record<string, FactValue>>, operators?: Record<string, OperatorFunction>): Promise<void> {
    const compiled = createScorer(model, operators ? { operators } : {});
    const reference = createScorer(model, { evaluator: 'json-rules-engine' });
    expect(compiled.stats.fallbackPredictive).toEqual([]);
    for (const lead of leads) expect(await compiled.predict(lead)).toEqual(await reference.predict(lead));
  }

  it('gives the same scores, to the bit, on random fitted models and leads', async () => {
    await fc.assert(fc.asyncProperty(predictiveGraph, attributes, async (graph, leads) => agreeOnPredictions(compileGraph(graph), leads)), { numRuns: 300 });
  });

  it.each(['in', 'notEqual', 'isKnown', 'greaterThanInclusive'])('catches a broken %s in a predictive term', async (operator) => {
    const original = COMPILED_OPERATORS[operator]!;
    const broken = { ...COMPILED_OPERATORS, [operator]: (a: unknown, b: unknown) => !original(a, b) };
    const using = predictiveGraph.filter((graph) => JSON.stringify(graph.predictive).includes(`"operator":"${operator}"`));
    const result = await fc.check(fc.asyncProperty(using, attributes, async (graph, leads) => agreeOnPredictions(compileGraph(graph), leads, broken)), { numRuns: 200 });
    expect(result.failed).toBe(true);
  });

  it('computes 100 · sigmoid(intercept + terms), clamping numbers and treating text numbers as numbers', async () => {
    const model = compileGraph({
      name: 'by hand',
      scores: [{ id: 'predictive', label: 'P' }],
      nodes: [],
      edges: [],
      predictive: [
        {
          score: 'predictive',
          intercept: -0.5,
          terms: [
            { kind: 'linear', fact: 'lead.companySize', weight: 0.4, center: 3, scale: 2, upper: 20 },
            { kind: 'when', match: 'all', conditions: [{ fact: 'lead.country', operator: 'equal', value: 'DE' }], weight: 0.2 },
            { kind: 'when', match: 'all', conditions: [{ fact: 'lead.companySize', operator: 'isKnown', value: false }], weight: -0.3 },
          ],
        },
      ],
    });
    for (const evaluator of ['compiled', 'json-rules-engine'] as const) {
      const scorer = createScorer(model, { evaluator });
      const [de] = await scorer.predict({ companySize: 7, country: 'DE' });
      // z = -0.5 + 0.4 · (7 - 3) / 2 + 0.2 = 0.5
      expect(de).toMatchObject({ score: 'predictive', value: 62 });
      expect(de!.probability).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
      expect(de!.terms.map((t) => t.name)).toEqual(['companySize', 'Country is DE']);
      expect((await scorer.predict({ companySize: '7', country: 'DE' }))[0]!.value).toBe(62);
      // Clamped at 20: z = -0.5 + 0.4 · 17 / 2 = 2.9
      expect((await scorer.predict({ companySize: 1e6 }))[0]!.value).toBe(Math.round(100 / (1 + Math.exp(-2.9))));
      // Unknown: z = -0.5 - 0.3
      expect((await scorer.predict({}))[0]!.value).toBe(Math.round(100 / (1 + Math.exp(0.8))));
    }
    expect(await createScorer(compileGraph(b2bDefaultGraph)).predict({ companySize: 7 })).toEqual([]);
    expect('predictive' in compileGraph(b2bDefaultGraph)).toBe(false);
  });
});
