import { describe, expect, it } from 'vitest';
import { ruleGraphSchema } from '../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../rules/templates';
import { searchNodes } from './node-search';

const graph = ruleGraphSchema.parse(b2bDefaultGraph);

describe('searchNodes', () => {
  it('finds a node by its name, ignoring case and accents', () => {
    const [first] = searchNodes(graph.nodes, 'WEBSITE vísit');
    expect(first).toMatchObject({ id: 'visit-points', name: 'Website visit', kind: 'Points' });
  });

  it('finds a node by its id and by its kind', () => {
    expect(searchNodes(graph.nodes, 'key-page').map((m) => m.id)).toContain('key-page');
    const thresholds = searchNodes(graph.nodes, 'threshold', 100);
    expect(thresholds.length).toBe(graph.nodes.filter((n) => n.kind === 'threshold').length);
  });

  it('puts names that start with the query first, then names that hold it, then other matches', () => {
    const nodes = [
      { id: 'a', kind: 'points', score: 's', points: 5, label: 'Pricing page, second visit' },
      { id: 'b', kind: 'points', score: 's', points: 5, label: 'Visit to pricing' },
      { id: 'c', kind: 'points', score: 's', points: 5, label: 'Pricing' },
      { id: 'pricing-d', kind: 'points', score: 's', points: 5, label: 'Demo' },
    ] as const;
    expect(searchNodes(nodes.map((n) => ({ ...n })), 'pricing').map((m) => m.id)).toEqual(['a', 'c', 'b', 'pricing-d']);
  });

  it('needs every word, matches nothing on an empty query and stops at the limit', () => {
    expect(searchNodes(graph.nodes, 'website zebra')).toEqual([]);
    expect(searchNodes(graph.nodes, '   ')).toEqual([]);
    expect(searchNodes(graph.nodes, 'e', 5)).toHaveLength(5);
  });
});
