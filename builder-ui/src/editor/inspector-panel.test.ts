import { describe, expect, it } from 'vitest';
import { ruleGraphSchema } from '../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../rules/templates';
import { eventsBefore } from './inspector-panel';

describe('eventsBefore', () => {
  const model = ruleGraphSchema.parse(b2bDefaultGraph);

  it('collects the event types of every trigger with a path to the node', () => {
    expect(eventsBefore(model, 'key-page')).toEqual(['page_view']);
    expect(eventsBefore(model, 'key-page-points')).toEqual(['page_view']);
  });

  it('finds none for a node no event trigger reaches, and follows joins and loops without hanging', () => {
    const graph = {
      nodes: [
        { id: 'views', kind: 'trigger' as const, eventTypes: ['page_view' as const], attributes: [] },
        { id: 'forms', kind: 'trigger' as const, eventTypes: ['form_submit' as const], attributes: [] },
        { id: 'a', kind: 'condition' as const, match: 'all' as const, conditions: [{ fact: 'event.url', operator: 'startsWith' as const, value: '/' }] },
        { id: 'b', kind: 'condition' as const, match: 'all' as const, conditions: [{ fact: 'event.url', operator: 'startsWith' as const, value: '/' }] },
        { id: 'alone', kind: 'condition' as const, match: 'all' as const, conditions: [{ fact: 'event.url', operator: 'startsWith' as const, value: '/' }] },
      ],
      edges: [
        { id: '1', source: 'forms', target: 'a' },
        { id: '2', source: 'views', target: 'a' },
        { id: '3', source: 'a', target: 'b' },
        { id: '4', source: 'b', target: 'a' },
      ],
    };
    expect(eventsBefore(graph, 'b')).toEqual(['page_view', 'form_submit']);
    expect(eventsBefore(graph, 'alone')).toEqual([]);
  });
});
