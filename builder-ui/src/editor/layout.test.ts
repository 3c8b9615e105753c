import { describe, expect, it } from 'vitest';
import { ruleGraphSchema } from '../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../rules/templates';
import { DEFAULT_NODE_SIZE, layoutGraph } from './layout';

const graph = ruleGraphSchema.parse(b2bDefaultGraph);

describe('layoutGraph', () => {
  const positions = new Map(layoutGraph(graph).map((p) => [p.id, p.position]));

  it('places every node once', () => {
    expect([...positions.keys()].sort()).toEqual(graph.nodes.map((n) => n.id).sort());
  });

  it('reads left to right along every connection', () => {
    for (const edge of graph.edges) {
      expect(positions.get(edge.source)!.x, `${edge.source} → ${edge.target}`).toBeLessThan(positions.get(edge.target)!.x);
    }
  });

  it('lets no two nodes overlap, and puts nodes without connections in a column of their own', () => {
    const boxes = [...positions.values()];
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = Math.abs(a.x - b.x) >= DEFAULT_NODE_SIZE.width || Math.abs(a.y - b.y) >= DEFAULT_NODE_SIZE.height;
        expect(apart).toBe(true);
      }
    }
    const decays = graph.nodes.filter((n) => n.kind === 'decay').map((n) => positions.get(n.id)!);
    expect(new Set(decays.map((p) => p.x)).size).toBe(1);
    const rightmost = Math.max(...graph.nodes.filter((n) => n.kind !== 'decay').map((n) => positions.get(n.id)!.x));
    expect(decays[0]!.x).toBeGreaterThan(rightmost);
  });

  it('lays out an empty graph and one without connections', () => {
    expect(layoutGraph({ nodes: [], edges: [] })).toEqual([]);
    const lone = layoutGraph({ nodes: [{ id: 'd', kind: 'decay', score: 'x', channel: 'any', rule: { mode: 'half_life', halfLifeDays: 30 }, floor: 0 }], edges: [] });
    expect(lone).toEqual([{ id: 'd', position: { x: 0, y: 0 } }]);
  });
});
