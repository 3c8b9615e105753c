import { describe, expect, it } from 'vitest';
import { nextStage, triggersFrom, type StageTrigger } from './stage-machine';
import type { Stage } from './types';

describe('stage machine', () => {
  it('walks the funnel from subscriber to customer', () => {
    const path: Array<[StageTrigger, Stage]> = [
      ['activity', 'lead'],
      ['qualified', 'mql'],
      ['accepted', 'sal'],
      ['qualified_by_sales', 'sql'],
      ['opportunity_created', 'opportunity'],
      ['won', 'customer'],
    ];
    let stage: Stage = 'subscriber';
    for (const [trigger, expected] of path) {
      stage = nextStage(stage, trigger) as Stage;
      expect(stage, trigger).toBe(expected);
    }
  });

  it('recycles rejected, expired and lost leads to nurture, from where they can qualify again', () => {
    expect(nextStage('mql', 'rejected')).toBe('nurture');
    expect(nextStage('mql', 'expired')).toBe('nurture');
    expect(nextStage('opportunity', 'lost')).toBe('nurture');
    expect(nextStage('sql', 'rejected')).toBeUndefined();
    expect(nextStage('nurture', 'qualified')).toBe('mql');
  });

  it('takes CRM outcomes from any open stage', () => {
    for (const stage of ['lead', 'mql', 'sal', 'sql', 'nurture'] as Stage[]) {
      expect(nextStage(stage, 'won'), stage).toBe('customer');
      expect(nextStage(stage, 'opportunity_created'), stage).toBe('opportunity');
      expect(nextStage(stage, 'disqualified'), stage).toBe('disqualified');
    }
    expect(nextStage('mql', 'lost')).toBe('nurture');
    expect(nextStage('customer', 'lost')).toBeUndefined();
  });

  it('refuses moves that skip or reverse the funnel', () => {
    expect(nextStage('lead', 'accepted')).toBeUndefined();
    expect(nextStage('sal', 'qualified')).toBeUndefined();
    expect(nextStage('customer', 'disqualified')).toBeUndefined();
    expect(nextStage('disqualified', 'qualified')).toBeUndefined();
  });

  it('lists what can move a lead on', () => {
    expect(triggersFrom('mql')).toEqual(['accepted', 'qualified_by_sales', 'rejected', 'expired', 'opportunity_created', 'won', 'lost', 'disqualified']);
    expect(triggersFrom('sql')).toEqual(['opportunity_created', 'won', 'lost', 'disqualified']);
    expect(triggersFrom('customer')).toEqual([]);
  });
});
