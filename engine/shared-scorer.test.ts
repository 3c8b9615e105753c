import { describe, expect, it } from 'vitest';
import { compileGraph } from '../rules/compile-graph';
import { b2bDefaultGraph, TEMPLATES } from '../rules/templates';
import { createScorer, sharedScorer } from './score-event';
import type { CompiledModel, LeadEvent, ScoringContext } from './types';

/** The same model as another caller holds it: an equal copy, never the same object. */
const copy = (model: CompiledModel): CompiledModel => JSON.parse(JSON.stringify(model)) as CompiledModel;

const event: LeadEvent = { eventId: 'e1', leadId: 'l1', type: 'page_view', properties: { url: '/pricing' }, attributes: { seniority: 'VP', country: 'Germany' }, occurredAt: new Date(Date.now() - 60_000).toISOString() };

describe('a scorer shared by the leads of a worker', () => {
  it('is built once for equal models that reach it as different objects, and scores as one built alone', async () => {
    const compiled = compileGraph(b2bDefaultGraph);
    const first = sharedScorer(copy(compiled));
    expect(sharedScorer(copy(compiled))).toBe(first);
    const context: ScoringContext = { attributes: { seniority: 'vp', country: 'DE' }, changedAttributes: ['lead.seniority', 'lead.country'], history: [], lastActivityAt: null };
    const hits = await first.score(event, context);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits).toEqual(await createScorer(compiled).score(event, context));
  });

  it('is another for a model that differs, and keeps only the models asked for lately', () => {
    const models = Object.values(TEMPLATES).map((graph) => compileGraph(graph));
    const changed = copy(models[0] as CompiledModel);
    changed.rules = changed.rules.slice(1);
    expect(sharedScorer(changed)).not.toBe(sharedScorer(copy(models[0] as CompiledModel)));
    // Nine other models later, the first one asked for is built again.
    const kept = sharedScorer(changed);
    for (let i = 0; i < 9; i++) {
      const other = copy(models[0] as CompiledModel);
      other.rules = other.rules.slice(0, i);
      sharedScorer(other);
    }
    expect(sharedScorer(changed)).not.toBe(kept);
  });
});
