import { describe, expect, it } from 'vitest';
import { funnel, gradeCounts, histogram, median, scoreBands, type HandoffRow, type LeadRow } from './lead-stats';

const lead = (leadId: string, stages: Array<[LeadRow['stage'], string]>, extra: Partial<LeadRow> = {}): LeadRow => ({
  leadId,
  segment: 'smb',
  modelVersion: 1,
  stage: stages[stages.length - 1]?.[0] ?? 'lead',
  scores: { fit: 10, engagement: 20 },
  total: 30,
  grade: null,
  stageHistory: stages.map(([stage, at]) => ({ stage, at })),
  ...extra,
});

describe('funnel', () => {
  const leads = [
    lead('a', [['lead', '2026-01-01T00:00:00Z'], ['mql', '2026-01-02T00:00:00Z'], ['sal', '2026-01-02T06:00:00Z'], ['sql', '2026-01-03T00:00:00Z'], ['customer', '2026-02-01T00:00:00Z']]),
    lead('b', [['lead', '2026-01-01T00:00:00Z'], ['mql', '2026-01-05T00:00:00Z'], ['sal', '2026-01-05T01:00:00Z'], ['sql', '2026-01-07T00:00:00Z']]),
    lead('c', [['lead', '2026-01-01T00:00:00Z'], ['mql', '2026-01-05T00:00:00Z'], ['nurture', '2026-01-06T00:00:00Z'], ['mql', '2026-01-09T00:00:00Z']], { segment: 'enterprise' }),
    lead('d', [['lead', '2026-01-01T00:00:00Z']]),
  ];
  const handoffs: HandoffRow[] = [
    { leadId: 'a', status: 'accepted', score: 80 },
    { leadId: 'b', status: 'accepted', score: 70 },
    { leadId: 'c', status: 'rejected', score: 65 },
    { leadId: 'c', status: 'pending', score: 66 },
  ];

  it('counts each lead once per stage it reached, however often, and derives the rates', () => {
    const [all] = funnel(leads, handoffs, 'none');
    expect(all).toEqual({
      key: 'all',
      leads: 4,
      reached: { mql: 3, sal: 2, sql: 2, won: 1 },
      conversion: { mqlToSal: 0.6667, salToSql: 1, sqlToWon: 0.5, mqlToWon: 0.3333 },
      acceptance: { accepted: 2, rejected: 1, rate: 0.6667 },
      // a: 24 h, b: 48 h.
      medianHoursMqlToSql: 36,
    });
  });

  it('counts, within a range of days, only what happened in it', () => {
    const answered: HandoffRow[] = [
      { leadId: 'a', status: 'accepted', score: 80, decidedAt: '2026-01-02T06:00:00Z' },
      { leadId: 'b', status: 'accepted', score: 70, decidedAt: '2026-01-05T01:00:00Z' },
      { leadId: 'c', status: 'rejected', score: 65, decidedAt: '2026-01-06T00:00:00Z' },
    ];
    // 5–7 January: b's whole way to SQL, c's first MQL and rejection; a and d did nothing then.
    const [week] = funnel(leads, answered, 'none', { from: '2026-01-05', to: '2026-01-07' });
    expect(week).toMatchObject({ leads: 2, reached: { mql: 2, sal: 1, sql: 1, won: 0 }, acceptance: { accepted: 1, rejected: 1, rate: 0.5 }, medianHoursMqlToSql: 48 });
    // An open end: from February on, only a's win.
    expect(funnel(leads, answered, 'none', { from: '2026-02-01' })[0]).toMatchObject({ leads: 1, reached: { mql: 0, sal: 0, sql: 0, won: 1 } });
  });

  it('splits by segment, and says "no data" rather than 0 % where nothing reached a stage', () => {
    const bySegment = funnel(leads, handoffs, 'segment');
    expect(bySegment.map((g) => g.key)).toEqual(['enterprise', 'smb']);
    expect(bySegment[0]).toMatchObject({ leads: 1, reached: { mql: 1, sal: 0 }, conversion: { mqlToSal: 0, salToSql: null }, acceptance: { rate: 0 }, medianHoursMqlToSql: null });
  });

  it('groups industries and sources as rules read them, whatever their case and spacing', () => {
    const messy = [
      lead('a', [['mql', 'x']], { industry: 'Software', source: 'Webinar' }),
      lead('b', [['mql', 'x']], { industry: 'software ', source: 'webinar' }),
      lead('c', [['mql', 'x']], { industry: 'SaaS', source: ' WEBINAR' }),
      lead('d', [['mql', 'x']], { industry: 'Retail', source: 'Paid Search' }),
      lead('e', [['mql', 'x']], { industry: 'retail', source: 'paid  search' }),
      lead('f', [['mql', 'x']]),
    ];
    const count = (by: 'industry' | 'source') => Object.fromEntries(funnel(messy, [], by).map((g) => [g.key, g.leads]));
    expect(count('industry')).toEqual({ software: 3, retail: 2, '(unknown)': 1 });
    expect(count('source')).toEqual({ webinar: 3, 'paid search': 2, '(unknown)': 1 });
  });
});

describe('score bands', () => {
  it('band leads by score now and handoffs by the score they were handed over at', () => {
    const leads = [lead('a', [['sql', 'x']], { total: 85 }), lead('b', [['mql', 'x']], { total: 88 }), lead('c', [['lead', 'x']], { total: 12 })];
    const handoffs: HandoffRow[] = [
      { leadId: 'a', status: 'accepted', score: 61 },
      { leadId: 'b', status: 'rejected', score: 64 },
      { leadId: 'zz', status: 'accepted', score: 64 },
    ];
    expect(scoreBands(leads, handoffs, (l) => l.total, 20)).toEqual([
      { from: 0, to: 20, leads: 1, reachedSql: 0, won: 0, accepted: 0, rejected: 0, sqlRate: 0, wonRate: 0, acceptanceRate: null },
      { from: 60, to: 80, leads: 0, reachedSql: 0, won: 0, accepted: 1, rejected: 1, sqlRate: null, wonRate: null, acceptanceRate: 0.5 },
      { from: 80, to: 100, leads: 2, reachedSql: 1, won: 0, accepted: 0, rejected: 0, sqlRate: 0.5, wonRate: 0, acceptanceRate: null },
    ]);
  });
});

describe('small sums', () => {
  it('histogram bands negative scores below zero', () => {
    expect(histogram([-5, 0, 9, 10, 25], 10)).toEqual([
      { from: -10, to: 0, leads: 1 },
      { from: 0, to: 10, leads: 2 },
      { from: 10, to: 20, leads: 1 },
      { from: 20, to: 30, leads: 1 },
    ]);
  });
  it('grade counts and medians', () => {
    expect(gradeCounts([{ grade: 'A1' }, { grade: 'A1' }, { grade: null }])).toEqual({ A1: 2, none: 1 });
    expect(median([5, 1, 3])).toBe(3);
    expect(median([])).toBeNull();
  });
});
