import { describe, expect, it } from 'vitest';
import { applyHits, reachedThreshold, stageAfterDecision, totalScore } from './score-state';
import type { CompiledThreshold } from './types';

const mql: CompiledThreshold = { id: 'mql', score: 'total', value: 60, stage: 'mql', route: { queue: 'inbound' } };

describe('score state', () => {
  it('adds hits to their scores without changing the input', () => {
    const before = { fit: 10 };
    const after = applyHits(before, [
      { ruleId: 'a', ruleName: 'A', score: 'engagement', points: 25 },
      { ruleId: 'b', ruleName: 'B', score: 'fit', points: -5 },
    ]);
    expect(after).toEqual({ fit: 5, engagement: 25 });
    expect(before).toEqual({ fit: 10 });
    expect(totalScore(after)).toBe(30);
  });

  it('qualifies a lead at the threshold, and only from a stage before MQL', () => {
    expect(reachedThreshold('lead', { engagement: 59 }, [mql])).toBeUndefined();
    expect(reachedThreshold('lead', { engagement: 40, fit: 20 }, [mql])).toBe(mql);
    expect(reachedThreshold('nurture', { engagement: 70 }, [mql])).toBe(mql);
    expect(reachedThreshold('sal', { engagement: 70 }, [mql])).toBeUndefined();
    expect(reachedThreshold('lead', { fit: 70 }, [{ ...mql, score: 'engagement' }])).toBeUndefined();
  });

  it('moves an MQL to sales-accepted or back to nurture on the sales answer', () => {
    expect(stageAfterDecision('mql', { decision: 'accept' })).toBe('sal');
    expect(stageAfterDecision('mql', { decision: 'reject', reason: 'no_budget' })).toBe('nurture');
    expect(() => stageAfterDecision('lead', { decision: 'accept' })).toThrow(/no pending handoff/);
  });
});
