import { describe, expect, it } from 'vitest';
import { ruleGraphSchema } from '../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../rules/templates';
import { validateGraph } from '../../../rules/validate-graph';
import { loadDraft } from './draft';

describe('loadDraft', () => {
  it('takes a draft that parses as it is', () => {
    const loaded = loadDraft(b2bDefaultGraph);
    expect(loaded).toEqual({ graph: ruleGraphSchema.parse(b2bDefaultGraph), dropped: 0, needsLayout: false });
  });

  it('keeps a work-in-progress draft, filling missing fields so that the validator names what is wrong', () => {
    const loaded = loadDraft({
      name: 'WIP',
      scores: [{ id: 'fit', label: 'Fit' }],
      nodes: [
        { id: 't', kind: 'trigger', eventTypes: [] },
        { id: 'r', kind: 'route', team: 'Sales', queue: 'sales' },
        { id: 'x', kind: 'teleport' },
        'junk',
      ],
      edges: [{ id: 'e', source: 't', target: 'r' }, { id: 'bad' }],
    });
    expect(loaded.dropped).toBe(3);
    expect(loaded.needsLayout).toBe(true);
    expect(loaded.graph.nodes).toEqual([
      { id: 't', kind: 'trigger', eventTypes: [], attributes: [] },
      { id: 'r', kind: 'route', team: 'Sales', queue: 'sales', owners: [], strategy: 'queue', slaHours: 24, maxEscalations: 1 },
    ]);
    expect(loaded.graph.recycle).toEqual({ resetScores: [], coolDownDays: 0 });
    expect(validateGraph(loaded.graph).issues[0]).toMatchObject({ nodeId: 't', message: expect.stringMatching(/choose at least one event type/) });
  });

  it('makes an empty graph of anything else', () => {
    expect(loadDraft(null).graph).toEqual({ name: 'Untitled model', scores: [], segments: [], recycle: { resetScores: [], coolDownDays: 0 }, nodes: [], edges: [] });
  });
});
