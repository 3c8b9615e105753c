import { describe, expect, it } from 'vitest';
import { applyHits, gradeOf, gradeQualifies, reachedThreshold, stageAfterDecision, thresholdScore, totalScore } from './score-state';
import type { CompiledGrade, CompiledThreshold } from './types';

const threshold = (patch: Partial<CompiledThreshold>): CompiledThreshold => ({
  id: 'mql',
  name: 'MQL',
  scores: 'total',
  value: 60,
  stage: 'mql',
  routing: [],
  ...patch,
});

describe('scores', () => {
  it('adds points to their scores without changing the input, within the caps', () => {
    const before = { fit: 10 };
    const after = applyHits(before, [
      { score: 'engagement', points: 25 },
      { score: 'fit', points: -5 },
    ]);
    expect(after).toEqual({ fit: 5, engagement: 25 });
    expect(before).toEqual({ fit: 10 });
    expect(totalScore(after)).toBe(30);
    const capped = applyHits({ engagement: 190 }, [{ score: 'engagement', points: 25 }, { score: 'fit', points: -30 }], [
      { id: 'engagement', label: 'E', max: 200 },
      { id: 'fit', label: 'F', min: -20 },
    ]);
    expect(capped).toEqual({ engagement: 200, fit: -20 });
  });

  it('sums one, several or all scores for a threshold', () => {
    const scores = { fit: 20, analytics: 30, payments: 5 };
    expect(thresholdScore(scores, { scores: 'total' })).toBe(55);
    expect(thresholdScore(scores, { scores: ['fit', 'analytics'] })).toBe(50);
    expect(thresholdScore(scores, { scores: ['payments'] })).toBe(5);
  });
});

describe('thresholds', () => {
  const standard = threshold({});
  const enterprise = threshold({ id: 'mql-enterprise', value: 80, segment: 'enterprise' });

  it('qualifies a lead at the threshold, and only from a stage before MQL', () => {
    expect(reachedThreshold('lead', { engagement: 59 }, [standard])).toBeUndefined();
    expect(reachedThreshold('lead', { engagement: 40, fit: 20 }, [standard])).toBe(standard);
    expect(reachedThreshold('nurture', { engagement: 70 }, [standard])).toBe(standard);
    expect(reachedThreshold('sal', { engagement: 70 }, [standard])).toBeUndefined();
  });

  it("uses the segment's own threshold, and the default for leads in other segments", () => {
    const all = [standard, enterprise];
    expect(reachedThreshold('lead', { engagement: 70 }, all, 'enterprise')).toBeUndefined();
    expect(reachedThreshold('lead', { engagement: 85 }, all, 'enterprise')).toBe(enterprise);
    expect(reachedThreshold('lead', { engagement: 70 }, all, 'small-business')).toBe(standard);
    expect(reachedThreshold('lead', { engagement: 70 }, all, undefined)).toBe(standard);
  });
});

describe('grade matrix', () => {
  const grade: CompiledGrade = {
    id: 'grade',
    fitScore: 'fit',
    engagementScore: 'engagement',
    fitBands: [70, 40, 20],
    engagementBands: [60, 40, 20],
    salesReady: ['A1', 'A2', 'B1'],
    routing: [],
  };

  it('grades fit A–D and engagement 1–4 at the band edges', () => {
    const cases: Array<[number, number, string]> = [
      [70, 60, 'A1'],
      [69, 60, 'B1'],
      [40, 59, 'B2'],
      [39, 40, 'C2'],
      [20, 20, 'C3'],
      [19, 19, 'D4'],
      [100, 0, 'A4'],
    ];
    for (const [fit, engagement, expected] of cases) expect(gradeOf({ fit, engagement }, grade), `${fit}/${engagement}`).toBe(expected);
  });

  it('hands sales-ready grades to sales, from a stage that can still qualify', () => {
    expect(gradeQualifies('lead', { fit: 80, engagement: 45 }, grade)).toBe(true);
    expect(gradeQualifies('lead', { fit: 80, engagement: 30 }, grade)).toBe(false);
    expect(gradeQualifies('sal', { fit: 80, engagement: 90 }, grade)).toBe(false);
  });
});

describe('sales answers', () => {
  it('move an MQL to sales-accepted or back to nurture', () => {
    expect(stageAfterDecision('mql', { decision: 'accept' })).toBe('sal');
    expect(stageAfterDecision('mql', { decision: 'reject', reason: 'no_budget' })).toBe('nurture');
    expect(() => stageAfterDecision('lead', { decision: 'accept' })).toThrow(/no pending handoff/);
  });
});
