import { describe, expect, it } from 'vitest';
import { createScorer } from '../engine/score-event';
import type { LeadEvent } from '../engine/types';
import { compileGraph, GraphCompileError } from './compile-graph';
import type { RuleGraph } from './graph.schema';
import { defaultModelGraph } from './templates/default-model';

const event = (type: string, properties: LeadEvent['properties'] = {}): LeadEvent => ({
  eventId: `${type}-1`,
  leadId: 'l1',
  type,
  properties,
  occurredAt: '2026-11-01T10:00:00Z',
});

describe('compileGraph on the default model', () => {
  const model = compileGraph(defaultModelGraph);
  const scorer = createScorer(model);

  it('gives DOMAIN.md points for each action', async () => {
    const cases: Array<[LeadEvent, number]> = [
      [event('page_view', { url: '/blog/why-scoring' }), 5],
      [event('page_view', { url: '/pricing' }), 25],
      [event('page_view', { url: '/careers/sales' }), -5],
      [event('form_submit', { form: 'demo_request' }), 50],
      [event('form_submit', { form: 'newsletter' }), 0],
      [event('email_open'), 5],
      [event('email_click'), 15],
      [event('content_download', { asset: 'roi-guide' }), 25],
      [event('webinar_registered'), 10],
      [event('webinar_attended'), 25],
      [event('social_interaction'), 10],
      [event('unsubscribe'), -20],
      [event('custom'), 0],
    ];
    for (const [input, points] of cases) {
      const hits = await scorer.score(input);
      expect(hits.reduce((sum, hit) => sum + hit.points, 0), `${input.type} ${JSON.stringify(input.properties)}`).toBe(points);
    }
  });

  it('names the rule and score behind every point', async () => {
    const hits = await scorer.score(event('page_view', { url: '/pricing' }));
    expect(hits).toEqual([
      { ruleId: 'visit-points', ruleName: 'Website visit', score: 'engagement', points: 5 },
      { ruleId: 'key-page-points', ruleName: 'Key page visit', score: 'engagement', points: 20 },
    ]);
  });

  it('indexes each rule by the event types that can fire it', () => {
    const demo = model.rules.find((rule) => rule.id === 'demo-points');
    expect(demo?.triggers).toEqual(['form_submit']);
    expect(model.thresholds).toEqual([{ id: 'mql', score: 'total', value: 60, stage: 'mql', route: { queue: 'inbound-sales' } }]);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(compileGraph(defaultModelGraph))).toBe(JSON.stringify(model));
  });
});

describe('compileGraph on graphs with problems', () => {
  const base: RuleGraph = {
    name: 'small',
    scores: [{ id: 'engagement', label: 'Engagement' }],
    nodes: [
      { id: 't', kind: 'trigger', eventTypes: ['page_view'] },
      { id: 'c', kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: '/pricing' }] },
      { id: 'p', kind: 'points', score: 'engagement', points: 10 },
      { id: 'th', kind: 'threshold', score: 'engagement', value: 50, stage: 'mql' },
      { id: 'r', kind: 'route', queue: 'sales' },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'c' },
      { id: 'e2', source: 'c', target: 'p' },
      { id: 'e3', source: 'th', target: 'r' },
    ],
  };

  it('combines several paths into one points node as alternatives', async () => {
    const graph: RuleGraph = {
      ...base,
      nodes: [...base.nodes, { id: 't2', kind: 'trigger', eventTypes: ['email_click'] }],
      edges: [...base.edges, { id: 'e4', source: 't2', target: 'p' }],
    };
    const scorer = createScorer(compileGraph(graph));
    expect(await scorer.score(event('email_click'))).toHaveLength(1);
    expect(await scorer.score(event('page_view', { url: '/pricing' }))).toHaveLength(1);
    expect(await scorer.score(event('page_view', { url: '/blog' }))).toHaveLength(0);
  });

  it('refuses a graph with errors and lists them', () => {
    const graph = { ...base, nodes: base.nodes.map((n) => (n.id === 'p' ? { ...n, score: 'fit' } : n)) };
    expect(() => compileGraph(graph)).toThrow(GraphCompileError);
    try {
      compileGraph(graph);
    } catch (err) {
      expect((err as GraphCompileError).issues).toContainEqual(expect.objectContaining({ code: 'unknown_score', nodeId: 'p' }));
    }
  });

  it('refuses branches that multiply into an oversized rule', () => {
    // A ladder of diamonds doubles the paths at every step.
    const nodes: RuleGraph['nodes'] = [{ id: 't', kind: 'trigger', eventTypes: ['page_view'] }];
    const edges: RuleGraph['edges'] = [];
    let previous = ['t'];
    for (let step = 0; step < 14; step++) {
      const pair = [`a${step}`, `b${step}`];
      for (const id of pair) {
        nodes.push({ id, kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: id }] });
        for (const from of previous) edges.push({ id: `${from}-${id}`, source: from, target: id });
      }
      previous = pair;
    }
    nodes.push({ id: 'p', kind: 'points', score: 'engagement', points: 1 });
    for (const from of previous) edges.push({ id: `${from}-p`, source: from, target: 'p' });
    const graph: RuleGraph = { ...base, nodes: [...nodes, base.nodes[3]!, base.nodes[4]!], edges: [...edges, base.edges[2]!] };
    expect(() => compileGraph(graph)).toThrow(/too large/);
  });
});
