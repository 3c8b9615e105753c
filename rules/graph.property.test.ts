/**
 * Properties of the rule language over generated graphs: valid graphs compile, deterministically,
 * to rules json-rules-engine accepts and runs; validation never throws on any JSON and always
 * says where each problem is.
 */
import fc from 'fast-check';
import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { advance, emptyMemory } from '../engine/lead-context';
import { addOperators } from '../engine/operators';
import { createScorer, toFacts } from '../engine/score-event';
import { compileGraph } from './compile-graph';
import { TEMPLATES } from './templates';
import { leadEvent, validGraph as validGraphOf } from './testing/arbitraries';
import { validateGraph } from './validate-graph';

const validGraph = validGraphOf();

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
