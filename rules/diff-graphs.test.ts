import { describe, expect, it } from 'vitest';
import { diffGraphs } from './diff-graphs';
import { ruleGraphSchema, type RuleGraph } from './graph.schema';
import { b2bDefaultGraph } from './templates';

const base = ruleGraphSchema.parse(b2bDefaultGraph);
const edit = (change: (graph: RuleGraph) => void) => {
  const graph = structuredClone(base);
  change(graph);
  return graph;
};

describe('diffGraphs', () => {
  it('finds no change between a graph and itself, or after moving nodes on the canvas', () => {
    const moved = edit((g) => g.nodes.forEach((n) => (n.position = { x: 1, y: 2 })));
    expect(diffGraphs(base, moved)).toEqual({ added: [], removed: [], changed: [], points: [], thresholds: [], edges: { added: [], removed: [] } });
  });

  it('reports points and thresholds changed, in the review’s terms', () => {
    const after = edit((g) => {
      g.nodes.forEach((n) => {
        if (n.id === 'key-page-points' && n.kind === 'points') n.points = 30;
        if (n.id === 'mql-enterprise' && n.kind === 'threshold') n.value = 90;
        if (n.id === 'careers-page' && n.kind === 'condition') n.match = 'all';
      });
    });
    const diff = diffGraphs(base, after);
    expect(diff.changed.sort()).toEqual(['careers-page', 'key-page-points', 'mql-enterprise']);
    expect(diff.points).toEqual([{ nodeId: 'key-page-points', name: 'Key page visit', from: 20, to: 30 }]);
    expect(diff.thresholds).toEqual([{ nodeId: 'mql-enterprise', name: 'Enterprise: qualified at 80', segment: 'enterprise', from: 80, to: 90 }]);
  });

  it('reports nodes and connections added and removed', () => {
    const after = edit((g) => {
      g.nodes = g.nodes.filter((n) => n.id !== 'unsubscribe-points');
      g.edges = g.edges.filter((e) => e.target !== 'unsubscribe-points');
      g.nodes.push({ id: 'bounce-points', kind: 'points', score: 'engagement', points: -5 });
      g.edges.push({ id: 'e-bounce', source: 'unsubscribe', target: 'bounce-points' });
    });
    const diff = diffGraphs(base, after);
    expect(diff).toMatchObject({ added: ['bounce-points'], removed: ['unsubscribe-points'], edges: { added: ['unsubscribe->bounce-points'], removed: ['unsubscribe->unsubscribe-points'] } });
  });
});
