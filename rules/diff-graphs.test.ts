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
    expect(diffGraphs(base, moved)).toEqual({ added: [], removed: [], changed: [], points: [], thresholds: [], conditions: [], edges: { added: [], removed: [] } });
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
    expect(diff.conditions).toEqual([
      {
        nodeId: 'careers-page',
        name: 'Careers or investor page',
        from: 'Page URL starts with /careers or Page URL starts with /investors',
        to: 'Page URL starts with /careers and Page URL starts with /investors',
      },
    ]);
  });

  it('says a changed condition in words, operators included', () => {
    const after = edit((g) => {
      const frequent = g.nodes.find((n) => n.id === 'frequent');
      if (frequent?.kind === 'condition') frequent.conditions = [{ fact: 'lead.phone', operator: 'isKnown', value: true }];
    });
    expect(diffGraphs(base, after).conditions).toEqual([
      { nodeId: 'frequent', name: '10+ page views in 30 days', from: 'Number of page view events in the last 30 days is at least 10', to: 'Phone is filled in' },
    ]);
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
