import { describe as group, expect, it } from 'vitest';
import { defaultModelGraph } from '../../rules/templates/default-model';
import { describe, toFlow } from './to-flow';

group('toFlow', () => {
  it('keeps every node and edge of the model, at its position', () => {
    const { nodes, edges } = toFlow(defaultModelGraph);
    expect(nodes.map((n) => n.id)).toEqual(defaultModelGraph.nodes.map((n) => n.id));
    expect(edges).toHaveLength(defaultModelGraph.edges.length);
    expect(nodes.find((n) => n.id === 'mql')?.position).toEqual({ x: 780, y: 330 });
  });

  it('says what each node does in words', () => {
    const byId = new Map(defaultModelGraph.nodes.map((n) => [n.id, n]));
    expect(describe(byId.get('key-page-points')!)).toBe('Key page visit · +20 engagement');
    expect(describe(byId.get('careers-points')!)).toBe('Job seeker or investor · -10 engagement');
    expect(describe(byId.get('mql')!)).toBe('Marketing-qualified at 60 · total ≥ 60 → MQL');
    expect(describe(byId.get('key-page')!)).toBe('Pricing or demo page · any of 2 conditions');
    expect(describe(byId.get('inbound')!)).toBe('Inbound sales · queue inbound-sales');
  });
});
