import { describe, expect, it } from 'vitest';
import type { StageChange } from '../lead-records';
import { historyRows, leadOutcome, LEADFLOW_OUTCOME, type HistoryLead } from './leadflow-history';

const at = (day: number) => new Date(Date.UTC(2020, 0, 1) + day * 86_400_000).toISOString();
const stages = (day: number, ...moves: Array<[StageChange['stage'], string?]>): StageChange[] => [
  { stage: 'lead', at: at(day), reason: 'first event' },
  ...moves.map(([stage, reason], i) => ({ stage, at: at(day + i + 1), reason: reason ?? stage })),
];
const lead = (leadId: string, _day: number, history: StageChange[], attributes: HistoryLead['attributes'] = {}, rejected = false): HistoryLead => ({ leadId, attributes, stageHistory: history, rejected });

describe('leadOutcome', () => {
  it('says converted once sales accepted or qualified the lead, or the CRM opened an opportunity or won it', () => {
    for (const stage of ['sal', 'sql', 'opportunity', 'customer'] as const) expect(leadOutcome(lead('a', 0, stages(0, ['mql'], [stage])))).toBe(1);
    // Accepted, then lost: sales took it, which is what the threshold is for.
    expect(leadOutcome(lead('a', 0, stages(0, ['mql'], ['sal'], ['nurture', 'CRM: lost'])))).toBe(1);
  });

  it('says not converted when sales rejected it, the CRM lost it or it was disqualified; unknown when nobody said', () => {
    expect(leadOutcome(lead('a', 0, stages(0, ['mql'], ['nurture', 'rejected by sales']), {}, true))).toBe(0);
    expect(leadOutcome(lead('a', 0, stages(0, ['nurture', 'CRM: lost'])))).toBe(0);
    expect(leadOutcome(lead('a', 0, stages(0, ['disqualified', 'CRM: disqualified'])))).toBe(0);
    expect(leadOutcome(lead('a', 0, stages(0, ['mql'])))).toBeUndefined();
    // Recycled by an expired handoff: nobody answered, so nobody said.
    expect(leadOutcome(lead('a', 0, stages(0, ['mql'], ['nurture', 'expired: no answer'])))).toBeUndefined();
  });
});

describe('historyRows', () => {
  const leads = [
    lead('before', 0, stages(0, ['mql'], ['sal']), { industry: 'Software' }),
    lead('won', 10, stages(10, ['mql'], ['sal'], ['sql']), { industry: 'Software', companySize: 200, gdpr: true }),
    lead('rejected', 11, stages(11, ['mql'], ['nurture']), { industry: 'Retail', jobTitle: 'Student' }, true),
    lead('waiting', 12, stages(12, ['mql']), { industry: 'Retail' }),
    lead('lost', 13, stages(13, ['nurture', 'CRM: lost']), { industry: 'Retail', companySize: 12, tags: null }),
    lead('at the end', 20, stages(20, ['sal']), { industry: 'Retail' }),
  ];

  it('keeps the leads created in [from, to), counts their outcomes and writes one row per labelled lead', () => {
    const history = historyRows(leads, { from: at(10), to: at(20) });
    expect(history.counts).toEqual({ leads: 4, converted: 1, notConverted: 2, unknown: 1 });
    expect(history.leadIds).toEqual(['won', 'rejected', 'lost']);
    expect(history.columns).toEqual(['companySize', 'gdpr', 'industry', 'jobTitle', LEADFLOW_OUTCOME]);
    expect(history.rows).toEqual([
      { companySize: '200', gdpr: 'true', industry: 'Software', jobTitle: '', Converted: 'yes' },
      { companySize: '', gdpr: '', industry: 'Retail', jobTitle: 'Student', Converted: 'no' },
      { companySize: '12', gdpr: '', industry: 'Retail', jobTitle: '', Converted: 'no' },
    ]);
  });

  it('has no rows for a period with no leads', () => {
    expect(historyRows(leads, { from: at(30), to: at(40) })).toMatchObject({ rows: [], counts: { leads: 0, converted: 0, notConverted: 0, unknown: 0 } });
  });
});
