/**
 * Properties of the rule language over generated graphs: valid graphs compile, deterministically,
 * to rules json-rules-engine accepts and runs; validation never throws on any JSON and always
 * says where each problem is.
 */
import fc from 'fast-check';
import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { advance, emptyMemory } from '../engine/lead-context';
import { addOperators, FREE_MAILBOX_TOKEN } from '../engine/operators';
import { createScorer, toFacts } from '../engine/score-event';
import type { LeadEvent } from '../engine/types';
import { compileGraph } from './compile-graph';
import { EVENT_TYPES } from './facts-catalogue';
import type { ConditionGroup, ConditionLeaf, RuleGraphInput } from './graph.schema';
import { TEMPLATES } from './templates';
import { validateGraph } from './validate-graph';

const leaf: fc.Arbitrary<ConditionLeaf> = fc.oneof(
  fc.record({ fact: fc.constant('event.url'), operator: fc.constantFrom('startsWith', 'containsText', 'endsWith', 'equal'), value: fc.constantFrom('/pricing', '/blog', 'demo', '/') }),
  fc.record({ fact: fc.constant('event.url'), operator: fc.constant('matchesPattern'), value: fc.constantFrom('^/blog', 'pricing$', '[0-9]+', '^/(docs|blog)/[a-z-]+$') }),
  fc.record({ fact: fc.constant('lead.companySize'), operator: fc.constantFrom('lessThan', 'greaterThanInclusive', 'equal'), value: fc.integer({ min: 0, max: 10_000 }) }),
  fc.record({ fact: fc.constant('lead.country'), operator: fc.constantFrom('in', 'notIn'), value: fc.subarray(['US', 'DE', 'FR', 'BR'], { minLength: 1 }) }),
  fc.record({ fact: fc.constant('lead.email'), operator: fc.constant('emailDomainIn'), value: fc.constantFrom([FREE_MAILBOX_TOKEN], ['acme.com']) }),
  fc.record({ fact: fc.constantFrom('lead.firstName', 'lead.company'), operator: fc.constantFrom('keyboardMash', 'notCapitalised'), value: fc.boolean() }),
  fc.record({ fact: fc.constant('lead.lastEmailOpenAt'), operator: fc.constant('withinDays'), value: fc.integer({ min: 0, max: 90 }) }),
  fc.record({ fact: fc.constant('lead.phone'), operator: fc.constant('isKnown'), value: fc.boolean() }),
  fc.record({
    fact: fc.constant('derived.eventCount'),
    operator: fc.constant('greaterThanInclusive'),
    value: fc.integer({ min: 1, max: 5 }),
    params: fc.record({ eventType: fc.constantFrom('page_view', 'email_open'), days: fc.integer({ min: 1, max: 60 }) }),
  }),
) as fc.Arbitrary<ConditionLeaf>;

/** Condition groups nested at most `depth` levels (the language allows 6). */
const groupOf = (depth: number): fc.Arbitrary<ConditionGroup> =>
  fc.record({
    match: fc.constantFrom('all', 'any', 'none'),
    conditions: fc.array(depth > 1 ? fc.oneof(leaf, groupOf(depth - 1)) : leaf, { minLength: 1, maxLength: 3 }),
  }) as fc.Arbitrary<ConditionGroup>;
const group = groupOf(3);

/** Valid graphs: triggers, chains of conditions into points, decay, thresholds with routes. */
const validGraph: fc.Arbitrary<RuleGraphInput> = fc
  .record({
    scores: fc.subarray(['fit', 'engagement', 'product_a'], { minLength: 1 }),
    triggers: fc.array(fc.subarray([...EVENT_TYPES], { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
    chains: fc.array(
      fc.record({ trigger: fc.nat(), conditions: fc.array(group, { maxLength: 2 }), score: fc.nat(), points: fc.integer({ min: -50, max: 50 }), once: fc.boolean() }),
      { minLength: 1, maxLength: 8 },
    ),
    threshold: fc.option(fc.integer({ min: 10, max: 200 })),
    decay: fc.boolean(),
  })
  .map(({ scores, triggers, chains, threshold, decay }) => {
    const nodes: RuleGraphInput['nodes'] = triggers.map((eventTypes, i) => ({ id: `t${i}`, kind: 'trigger', eventTypes }));
    const edges: RuleGraphInput['edges'] = [];
    chains.forEach((chain, c) => {
      let previous = `t${chain.trigger % triggers.length}`;
      chain.conditions.forEach((condition, k) => {
        const id = `c${c}-${k}`;
        nodes.push({ id, kind: 'condition', ...condition });
        edges.push({ id: `e-${previous}-${id}`, source: previous, target: id });
        previous = id;
      });
      const score = scores[chain.score % scores.length] as string;
      nodes.push({ id: `p${c}`, kind: 'points', score, points: chain.points, ...(chain.once && { limits: { oncePerLead: true } }) });
      edges.push({ id: `e-${previous}-p${c}`, source: previous, target: `p${c}` });
    });
    if (threshold !== null) {
      nodes.push({ id: 'th', kind: 'threshold', score: 'total', value: threshold, stage: 'mql' }, { id: 'r', kind: 'route', team: 'Sales', queue: 'sales' });
      edges.push({ id: 'e-th-r', source: 'th', target: 'r' });
    }
    if (decay) nodes.push({ id: 'd', kind: 'decay', score: scores[0] as string, channel: 'any', rule: { mode: 'step', amount: 10, everyDays: 30 } });
    return { name: 'generated', scores: scores.map((id) => ({ id, label: id })), nodes, edges };
  });

const leadEvent: fc.Arbitrary<LeadEvent> = fc.record({
  eventId: fc.uuid(),
  leadId: fc.constant('lead'),
  type: fc.constantFrom(...EVENT_TYPES),
  properties: fc.record({ url: fc.constantFrom('/pricing', '/blog/1', '/demo', '/careers', '/123') }, { requiredKeys: [] }),
  attributes: fc.record(
    {
      companySize: fc.integer({ min: 1, max: 20_000 }),
      country: fc.constantFrom('US', 'DE', 'BR'),
      email: fc.constantFrom('a@gmail.com', 'b@acme.com'),
      firstName: fc.constantFrom('Asdf', 'Maria'),
      company: fc.constantFrom('acme', 'Acme'),
      phone: fc.constantFrom('', '+1 555 0100'),
      lastEmailOpenAt: fc.constantFrom('2026-10-01T00:00:00Z', '2025-01-01T00:00:00Z'),
    },
    { requiredKeys: [] },
  ),
  occurredAt: fc.constantFrom('2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z'),
});

const located = (issue: { nodeId?: string; edgeId?: string; path?: unknown[] }) =>
  issue.nodeId !== undefined || issue.edgeId !== undefined || Array.isArray(issue.path);

describe('rule language properties', () => {
  it('every generated valid graph validates and compiles deterministically', () => {
    fc.assert(
      fc.property(validGraph, (graph) => {
        const result = validateGraph(graph);
        expect(result.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
        const first = JSON.stringify(compileGraph(graph));
        expect(JSON.stringify(compileGraph(structuredClone(graph)))).toBe(first);
      }),
      { numRuns: 200 },
    );
  });

  it('compiles to rules that json-rules-engine accepts and runs, alone and through the scorer', async () => {
    await fc.assert(
      fc.asyncProperty(validGraph, fc.array(leadEvent, { minLength: 1, maxLength: 4 }), async (graph, events) => {
        const model = compileGraph(graph);
        const bare = new Engine([], { allowUndefinedFacts: true });
        addOperators(bare);
        for (const rule of model.rules) bare.addRule({ name: rule.id, conditions: rule.conditions, event: rule.event, priority: rule.priority });
        const scorer = createScorer(model);
        let memory = emptyMemory();
        for (const event of events) {
          const { context, next } = advance(memory, event);
          const hits = await scorer.score(event, context);
          // Derived facts are the scorer's; a bare engine without them may only fire fewer rules.
          const fired = (await bare.run(toFacts(event, context))).events.map((e) => e.params?.ruleId as string);
          for (const hit of hits) expect(model.rules.some((rule) => rule.id === hit.ruleId)).toBe(true);
          expect(fired.every((id) => model.rules.some((rule) => rule.id === id))).toBe(true);
          memory = next;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('never throws on arbitrary JSON, and locates every issue', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (input) => {
        const result = validateGraph(input);
        expect(result.ok).toBe(false);
        expect(result.issues.length).toBeGreaterThan(0);
        expect(result.issues.every(located)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on damaged templates, and locates every issue', () => {
    const templates = Object.values(TEMPLATES);
    const damage = fc.record({
      template: fc.nat({ max: templates.length - 1 }),
      list: fc.constantFrom('nodes', 'edges', 'segments', 'scores'),
      index: fc.nat(),
      key: fc.constantFrom('id', 'kind', 'score', 'points', 'conditions', 'source', 'target', 'value', 'rule', 'match', 'eventTypes', 'limits'),
      value: fc.jsonValue({ maxDepth: 3 }),
    });
    fc.assert(
      fc.property(damage, ({ template, list, index, key, value }) => {
        const graph = structuredClone(templates[template]) as Record<string, any>;
        const items = graph[list] as Array<Record<string, unknown>> | undefined;
        if (items && items.length > 0) items[index % items.length]![key] = value;
        const result = validateGraph(graph);
        expect(result.issues.every(located)).toBe(true);
        if (result.ok) expect(() => compileGraph(graph)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
