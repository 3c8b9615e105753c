import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../rules/compile-graph';
import { scoreLeads } from './score-leads';

const model = compileGraph({
  name: 'history',
  scores: [
    { id: 'close_rate', label: 'Close-rate points', min: -10, max: 100 },
    { id: 'predictive', label: 'Predicted conversion', min: 0, max: 100 },
  ],
  attributes: [{ id: 'city', label: 'City', type: 'string' }],
  nodes: [
    { id: 'city-set', kind: 'trigger', attributes: ['lead.city'] },
    { id: 'pune', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.city', operator: 'equal', value: 'Pune' }] },
    { id: 'pune-points', kind: 'points', score: 'close_rate', points: 12 },
    { id: 'goa', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.city', operator: 'equal', value: 'Goa' }] },
    { id: 'goa-points', kind: 'points', score: 'close_rate', points: -40 },
    { id: 'country-set', kind: 'trigger', attributes: ['lead.country'] },
    { id: 'in', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.country', operator: 'equal', value: 'IN' }] },
    { id: 'in-points', kind: 'points', score: 'close_rate', points: 3 },
  ],
  edges: [
    { id: 'e1', source: 'city-set', target: 'pune' },
    { id: 'e2', source: 'pune', target: 'pune-points' },
    { id: 'e3', source: 'city-set', target: 'goa' },
    { id: 'e4', source: 'goa', target: 'goa-points' },
    { id: 'e5', source: 'country-set', target: 'in' },
    { id: 'e6', source: 'in', target: 'in-points' },
  ],
  predictive: [{ score: 'predictive', intercept: 0, terms: [{ kind: 'when', match: 'all', conditions: [{ fact: 'lead.city', operator: 'equal', value: 'Pune' }], weight: Math.log(3) }] }],
});

describe('scoreLeads', () => {
  it('scores each profile as one CRM sync: attribute rules add up within caps, predictive scores are set', async () => {
    const progress: Array<[number, number]> = [];
    const scores = await scoreLeads(model, [{ city: 'Pune', country: 'IN' }, { city: 'Goa' }, {}], { onProgress: (done, total) => progress.push([done, total]), progressEvery: 2 });
    expect(scores).toEqual([
      { close_rate: 15, predictive: 75 },
      { close_rate: -10, predictive: 50 },
      { close_rate: 0, predictive: 50 },
    ]);
    expect(progress).toEqual([
      [2, 3],
      [3, 3],
    ]);
  });
});
