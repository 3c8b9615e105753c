import { describe, expect, it } from 'vitest';
import { createScorer } from '../score-event';
import { compileGraph } from '../../rules/compile-graph';
import { ruleGraphSchema } from '../../rules/graph.schema';
import { b2bDefaultGraph } from '../../rules/templates';
import { simulateLead } from './simulate';

const compiled = compileGraph(ruleGraphSchema.parse(b2bDefaultGraph));
const scorer = createScorer(compiled);
const event = (eventId: string, type: string, properties: Record<string, string>, occurredAt: string) => ({ eventId, leadId: 'sim', type, properties, occurredAt }) as never;

describe('simulateLead (the default B2B model)', () => {
  it('scores each event with its rules and reasons, and makes the lead MQL with a routed handoff', async () => {
    const { steps } = await simulateLead(scorer, compiled, {
      leadId: 'sim',
      events: [event('e1', 'page_view', { url: '/pricing' }, '2026-01-01T10:00:00.000Z'), event('e2', 'form_submit', { form: 'demo_request' }, '2026-01-01T10:05:00.000Z')],
    });
    expect(steps.map((s) => [s.kind, s.event?.eventId, s.total, s.stage])).toEqual([
      ['event', 'e1', 25, 'lead'],
      ['event', 'e2', 75, 'mql'],
    ]);
    expect(steps[0]?.entries.map((e) => [e.ruleName, e.points])).toEqual([
      ['Website visit', 5],
      ['Key page visit', 20],
    ]);
    expect(steps[1]?.stageChanges.map((c) => c.stage)).toEqual(['mql']);
    expect(steps[1]?.handoff).toMatchObject({ queue: 'inbound-sales', status: 'pending', slaDueAt: '2026-01-02T10:05:00.000Z' });
  });

  it('lets the timers run: the SLA escalates, and decay takes points when the lead goes quiet', async () => {
    const { steps, truncated } = await simulateLead(scorer, compiled, {
      leadId: 'sim',
      events: [event('e1', 'page_view', { url: '/pricing' }, '2026-01-01T10:00:00.000Z'), event('e2', 'form_submit', { form: 'demo_request' }, '2026-01-01T10:05:00.000Z')],
      until: '2026-03-15T00:00:00.000Z',
    });
    expect(truncated).toBe(false);
    const timers = steps.filter((s) => s.kind === 'timer');
    expect(timers[0]).toMatchObject({ at: '2026-01-02T10:05:00.000Z', handoff: { queue: 'sales-managers' } });
    const decay = timers.flatMap((s) => s.entries).map((e) => [e.ruleId, e.points]);
    // DOMAIN.md: no social interaction -8 after 30 days; any inactivity -10 per 30 days; no web visit -15 after 45 days.
    expect(decay).toEqual(expect.arrayContaining([['decay-inactive', -10], ['decay-web', -15]]));
    expect(steps.at(-1)?.total).toBeLessThan(75);
  });

  it('says how far it ran: to `until` though nothing changed after the SLA, or to the last event', async () => {
    const events = [event('e1', 'page_view', { url: '/pricing' }, '2026-01-01T10:00:00.000Z'), event('e2', 'form_submit', { form: 'demo_request' }, '2026-01-01T10:05:00.000Z')];
    const tenDays = await simulateLead(scorer, compiled, { leadId: 'sim', events, until: '2026-01-11T10:05:00.000Z' });
    // Ten quiet days hold changes only in their first days (SLA escalations); the lead stays as it left it until the end.
    expect(tenDays.steps.at(-1)?.at).toBe('2026-01-03T10:05:00.000Z');
    expect(tenDays.until).toBe('2026-01-11T10:05:00.000Z');
    expect((await simulateLead(scorer, compiled, { leadId: 'sim', events })).until).toBe('2026-01-01T10:05:00.000Z');
  });

  it('scores a starting profile through attribute triggers', async () => {
    const { steps } = await simulateLead(scorer, compiled, { leadId: 'sim', attributes: { seniority: 'vp', companySize: 5000 }, events: [event('e1', 'page_view', { url: '/blog' }, '2026-01-01T10:00:00.000Z')] });
    expect(steps[0]?.event?.eventId).toBe('sim:profile');
    expect(steps[0]?.scores.fit ?? 0).toBeGreaterThan(0);
    expect(steps[0]?.segment).toBe('enterprise');
  });
});
