import { describe, expect, it } from 'vitest';
import { ruleGraphSchema, type NodeKind } from '../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../rules/templates';
import { assignLanes, LANES } from './lanes';
import { DEFAULT_NODE_SIZE, layoutGraph } from './layout';

const graph = ruleGraphSchema.parse(b2bDefaultGraph);

describe('layoutGraph', () => {
  const positions = new Map(layoutGraph(graph).map((p) => [p.id, p.position]));
  const lanes = assignLanes(graph);
  const xsOf = (predicate: (id: string) => boolean) => graph.nodes.filter((n) => predicate(n.id)).map((n) => positions.get(n.id)!.x);

  it('places every node once', () => {
    expect([...positions.keys()].sort()).toEqual(graph.nodes.map((n) => n.id).sort());
  });

  it('reads left to right along every connection', () => {
    for (const edge of graph.edges) {
      expect(positions.get(edge.source)!.x, `${edge.source} → ${edge.target}`).toBeLessThan(positions.get(edge.target)!.x);
    }
  });

  it('keeps the lanes in order: every lane of the template lies wholly right of the lane before it', () => {
    const used = LANES.filter((lane) => graph.nodes.some((n) => lanes.get(n.id)!.lane === lane.id));
    expect(used.map((lane) => lane.id)).toEqual(['triggers', 'conditions', 'points', 'thresholds', 'qualifying', 'routes', 'decay']);
    for (const [i, lane] of used.entries()) {
      if (i === 0) continue;
      const left = xsOf((id) => lanes.get(id)!.lane === used[i - 1]!.id);
      const right = xsOf((id) => lanes.get(id)!.lane === lane.id);
      expect(Math.min(...right), `${lane.id} after ${used[i - 1]!.id}`).toBeGreaterThanOrEqual(Math.max(...left) + DEFAULT_NODE_SIZE.width);
    }
  });

  it('keeps the hand-made template’s columns: each kind’s nodes stand in the same order of columns as the template drew them', () => {
    const handColumn = (kind: NodeKind) => new Set(graph.nodes.filter((n) => n.kind === kind).map((n) => n.position!.x));
    const laidColumn = (kind: NodeKind) => new Set(xsOf((id) => graph.nodes.find((n) => n.id === id)!.kind === kind));
    // Points never move into a condition column.
    for (const x of laidColumn('points')) expect(laidColumn('condition').has(x)).toBe(false);
    const order = (column: (kind: NodeKind) => Set<number>) =>
      (['trigger', 'points', 'threshold', 'route'] as const).map((kind) => Math.min(...column(kind)));
    const hand = order(handColumn);
    const laid = order(laidColumn);
    expect([...laid].sort((a, b) => a - b)).toEqual(laid);
    expect([...hand].sort((a, b) => a - b)).toEqual(hand);
    expect(laidColumn('points').size).toBe(handColumn('points').size);
    expect(laidColumn('route').size).toBe(handColumn('route').size);
  });

  it('lets no two nodes overlap', () => {
    const boxes = [...positions.values()];
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = Math.abs(a.x - b.x) >= DEFAULT_NODE_SIZE.width || Math.abs(a.y - b.y) >= DEFAULT_NODE_SIZE.height;
        expect(apart).toBe(true);
      }
    }
  });

  it('lays out an empty graph and one without connections', () => {
    expect(layoutGraph({ nodes: [], edges: [] })).toEqual([]);
    const lone = layoutGraph({ nodes: [{ id: 'd', kind: 'decay', score: 'x', channel: 'any', rule: { mode: 'half_life', halfLifeDays: 30 }, floor: 0 }], edges: [] });
    expect(lone).toEqual([{ id: 'd', position: { x: 0, y: 0 } }]);
  });
});

describe('assignLanes', () => {
  const node = (id: string, kind: NodeKind) => ({ id, kind });
  it('puts a condition in the flow it belongs to, one column per condition before it', () => {
    const places = assignLanes({
      nodes: [node('t', 'trigger'), node('c1', 'condition'), node('c2', 'condition'), node('p', 'points'), node('th', 'threshold'), node('q', 'condition'), node('r', 'route'), node('alone', 'condition')],
      edges: [
        { source: 't', target: 'c1' },
        { source: 'c1', target: 'c2' },
        { source: 'c2', target: 'p' },
        { source: 'th', target: 'q' },
        { source: 'q', target: 'r' },
      ],
    });
    expect(Object.fromEntries(places)).toEqual({
      t: { lane: 'triggers', column: 0 },
      c1: { lane: 'conditions', column: 0 },
      c2: { lane: 'conditions', column: 1 },
      p: { lane: 'points', column: 0 },
      th: { lane: 'thresholds', column: 0 },
      q: { lane: 'qualifying', column: 0 },
      r: { lane: 'routes', column: 0 },
      alone: { lane: 'conditions', column: 0 },
    });
  });

  it('ends on a loop (the validator reports it)', () => {
    const places = assignLanes({ nodes: [node('a', 'condition'), node('b', 'condition')], edges: [{ source: 'a', target: 'b' }, { source: 'b', target: 'a' }] });
    expect(places.size).toBe(2);
  });
});
