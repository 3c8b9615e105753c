import { describe, expect, it } from 'vitest';
import { CRM_OUTCOMES } from '../../../engine/types';
import { planImport } from './plan-import';

const now = new Date().toISOString();
const ago = (ms: number) => new Date(Date.parse(now) - ms).toISOString();

describe('planning an import', () => {
  it('refuses a row dated past the skew, once, naming its column, and plans the others', () => {
    const csv = ['id,When,Industry,Converted', `l1,${ago(3_600_000)},Software,1`, `l2,${ago(-3_600_000)},Retail,0`, 'l3,9999-12-31,Retail,', `l4,${ago(-120_000)},Retail,0`].join('\n');
    const plan = planImport(csv, { leadIdColumn: 'id', occurredAtColumn: 'When', outcomeColumn: 'Converted' }, 'file', now, 300);
    expect(plan.planned.map((row) => row.line)).toEqual([2, 5]);
    expect(plan.errors).toEqual([
      { line: 3, column: 'When', message: expect.stringMatching(/is in the future: an event may be dated at most 300 s after/) },
      { line: 4, column: 'When', message: expect.stringMatching(/^9999-12-31T00:00:00.000Z is in the future/) },
    ]);
  });

  it('turns known outcomes into CRM outcome events the API takes', () => {
    const plan = planImport('id,Converted\nl1,yes\nl2,0\n', { leadIdColumn: 'id', outcomeColumn: 'Converted' }, 'file', now);
    const outcomes = plan.planned.flatMap((row) => row.events.filter((e) => e.type === 'crm_outcome').map((e) => e.properties.outcome));
    expect(outcomes).toEqual(['won', 'lost']);
    for (const outcome of outcomes) expect(CRM_OUTCOMES).toContain(outcome);
  });
});
