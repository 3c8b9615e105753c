import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../rules/compile-graph';
import { b2bDefaultGraph } from '../../rules/templates';
import type { StageChange } from '../lead-records';
import { lifecycleModel, replay, type LeadInput } from '../lifecycle/lifecycle';
import { createScorer } from '../score-event';
import { totalScore } from '../score-state';
import type { LeadEvent } from '../types';
import { historyRows, leadOutcome, LEADFLOW_LEAD_ID, LEADFLOW_OUTCOME, scoreAsDecided, type HistoryLead } from './leadflow-history';

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
    expect(history.columns).toEqual([LEADFLOW_LEAD_ID, 'companySize', 'gdpr', 'industry', 'jobTitle', LEADFLOW_OUTCOME]);
    expect(history.rows).toEqual([
      { 'Lead ID': 'won', companySize: '200', gdpr: 'true', industry: 'Software', jobTitle: '', Converted: 'yes' },
      { 'Lead ID': 'rejected', companySize: '', gdpr: '', industry: 'Retail', jobTitle: 'Student', Converted: 'no' },
      { 'Lead ID': 'lost', companySize: '12', gdpr: '', industry: 'Retail', jobTitle: '', Converted: 'no' },
    ]);
  });

  it('has no rows for a period with no leads', () => {
    expect(historyRows(leads, { from: at(30), to: at(40) })).toMatchObject({ rows: [], counts: { leads: 0, converted: 0, notConverted: 0, unknown: 0 } });
  });
});

describe('scoreAsDecided (the default B2B model)', () => {
  const compiled = compileGraph(b2bDefaultGraph);
  const model = lifecycleModel(1, compiled, createScorer(compiled));
  const minutes = (n: number) => new Date(Date.UTC(2030, 0, 1, 10) + n * 60_000).toISOString();
  const event = (eventId: string, type: string, properties: Record<string, string>, minute: number): LeadInput => ({
    kind: 'event',
    event: { eventId, leadId: 'a', type, properties, occurredAt: minutes(minute) } as LeadEvent,
  });
  const behaviour = [event('pricing', 'page_view', { url: '/pricing' }, 0), event('demo', 'form_submit', { form: 'demo_request' }, 5)];

  it('scores the lead as it stood when sales answered: its behaviour counts, what came after the answer does not', async () => {
    const answered: LeadInput = { kind: 'answer', answer: { handoffId: 'a:1', decision: 'accept' }, at: minutes(60) };
    const later = [event('pricing-again', 'page_view', { url: '/pricing' }, 120), event('webinar', 'webinar_attended', {}, 180)];
    const log = [...behaviour, answered, ...later];
    const scores = await scoreAsDecided(model, 'a', log);
    // Pricing (website visit 5 + key page 20) and the demo request (50): the 75 that crossed the threshold of 60.
    expect(totalScore(scores)).toBe(75);
    const whole = (await replay('a', log, minutes(180), model)).view.snapshot;
    expect(whole.total).toBeGreaterThan(75);
  });

  it('stops before a CRM outcome, and replays a log without any outcome to its last input', async () => {
    const won = event('won', 'crm_outcome', { outcome: 'won' }, 30);
    expect(totalScore(await scoreAsDecided(model, 'a', [...behaviour, won, event('late', 'form_submit', { form: 'demo_request' }, 40)]))).toBe(75);
    expect(totalScore(await scoreAsDecided(model, 'a', behaviour))).toBe(75);
    expect(totalScore(await scoreAsDecided(model, 'a', [behaviour[0]!]))).toBe(25);
  });
});
