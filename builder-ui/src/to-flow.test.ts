import { describe as group, expect, it } from 'vitest';
import { ruleGraphSchema } from '../../rules/graph.schema';
import { b2bDefaultGraph } from '../../rules/templates';
import { describe, toFlow } from './to-flow';

const graph = ruleGraphSchema.parse(b2bDefaultGraph);

group('toFlow', () => {
  it('keeps every node and edge of the model, at its position', () => {
    const { nodes, edges } = toFlow(graph);
    expect(nodes.map((n) => n.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(edges).toHaveLength(graph.edges.length);
    expect(nodes.find((n) => n.id === 'mql')?.position).toEqual({ x: 840, y: 200 });
  });

  it('says what each node does in words', () => {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const say = (id: string) => describe(byId.get(id)!);
    expect(say('key-page-points')).toBe('Key page visit · +20 engagement');
    expect(say('careers-points')).toBe('Job seeker or investor · -10 engagement');
    expect(say('mql')).toBe('Marketing-qualified at 60 · total ≥ 60 → MQL');
    expect(say('mql-enterprise')).toBe('Enterprise: qualified at 80 · total ≥ 80 → MQL (enterprise)');
    expect(say('key-page')).toBe('Pricing or demo page · any of 2 conditions');
    expect(say('seniority-set')).toBe('Seniority known · on seniority change');
    expect(say('decay-web')).toBe('No website visit: -15 after 45 days · engagement, web channel');
    expect(say('inbound')).toBe('Inbound sales · queue inbound-sales');
  });
});
