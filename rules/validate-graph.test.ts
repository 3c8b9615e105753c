import { describe, expect, it } from 'vitest';
import type { RuleGraph } from './graph.schema';
import { defaultModelGraph } from './templates/default-model';
import { validateGraph } from './validate-graph';

const graph = (patch: Partial<RuleGraph>): RuleGraph => ({
  name: 'g',
  scores: [{ id: 'engagement', label: 'Engagement' }],
  nodes: [
    { id: 't', kind: 'trigger', eventTypes: ['page_view'] },
    { id: 'p', kind: 'points', score: 'engagement', points: 5 },
    { id: 'th', kind: 'threshold', score: 'total', value: 60, stage: 'mql' },
    { id: 'r', kind: 'route', queue: 'sales' },
  ],
  edges: [
    { id: 'e1', source: 't', target: 'p' },
    { id: 'e2', source: 'th', target: 'r' },
  ],
  ...patch,
});

const codes = (input: unknown) => validateGraph(input).issues.map((i) => [i.code, i.nodeId ?? i.edgeId]);

describe('validateGraph', () => {
  it('accepts the default model without issues', () => {
    expect(validateGraph(defaultModelGraph)).toMatchObject({ ok: true, issues: [] });
  });

  it('names the node whose shape is wrong', () => {
    const input = graph({});
    (input.nodes[1] as { points: unknown }).points = 'ten';
    const result = validateGraph(input);
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({ code: 'invalid_shape', nodeId: 'p', path: ['nodes', 1, 'points'] });
  });

  it('reports unknown facts, wrong operators and wrong value types on their node', () => {
    const base = graph({});
    const input = graph({
      nodes: [
        ...base.nodes,
        {
          id: 'c',
          kind: 'condition',
          match: 'all',
          conditions: [
            { fact: 'lead.shoeSize', operator: 'equal', value: 42 },
            { fact: 'lead.companySize', operator: 'startsWith', value: '1' },
            { fact: 'lead.companySize', operator: 'greaterThan', value: 'big' },
            { fact: 'lead.country', operator: 'in', value: 'DE' },
          ],
        },
        { id: 'p2', kind: 'points', score: 'engagement', points: 1 },
      ],
      edges: [...base.edges, { id: 'e3', source: 't', target: 'c' }, { id: 'e4', source: 'c', target: 'p2' }],
    });
    expect(codes(input)).toEqual([
      ['unknown_fact', 'c'],
      ['operator_mismatch', 'c'],
      ['value_type', 'c'],
      ['value_type', 'c'],
    ]);
  });

  it('reports cycles, unreachable points, bad connections and dangling edges', () => {
    const base = graph({});
    const cyclic = graph({
      nodes: [
        ...base.nodes,
        { id: 'a', kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: '/a' }] },
        { id: 'b', kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: '/b' }] },
      ],
      edges: [...base.edges, { id: 'ab', source: 'a', target: 'b' }, { id: 'ba', source: 'b', target: 'a' }],
    });
    expect(codes(cyclic)).toContainEqual(['cycle', 'a']);

    const orphanPoints = graph({ nodes: [...base.nodes, { id: 'p9', kind: 'points', score: 'engagement', points: 3 }] });
    expect(codes(orphanPoints)).toEqual([['disconnected', 'p9'], ['unreachable', 'p9']]);

    const wrongWay = graph({ edges: [...base.edges, { id: 'bad', source: 'p', target: 't' }, { id: 'gone', source: 't', target: 'nope' }] });
    expect(codes(wrongWay)).toEqual([
      ['invalid_connection', 'bad'],
      ['dangling_edge', 'gone'],
    ]);
  });

  it('requires thresholds on known scores and with a route', () => {
    const input = graph({
      nodes: [
        { id: 't', kind: 'trigger', eventTypes: ['page_view'] },
        { id: 'p', kind: 'points', score: 'engagement', points: 5 },
        { id: 'th', kind: 'threshold', score: 'fit', value: 60, stage: 'mql' },
      ],
      edges: [{ id: 'e1', source: 't', target: 'p' }],
    });
    expect(codes(input)).toEqual([
      ['disconnected', 'th'],
      ['unknown_score', 'th'],
      ['no_route', 'th'],
    ]);
  });

  it('never throws on arbitrary JSON', () => {
    for (const input of [null, 42, 'graph', [], {}, { nodes: 'x' }, { __proto__: { polluted: true } }, { nodes: [null] }]) {
      const result = validateGraph(input);
      expect(result.ok).toBe(false);
      expect(result.issues.length).toBeGreaterThan(0);
    }
  });
});
