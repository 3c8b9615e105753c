import { describe, expect, it } from 'vitest';
import type { LeadEvent, RuleHit } from '../engine/types';
import { compileGraph } from '../rules/compile-graph';
import { b2bDefaultGraph } from '../rules/templates';
import type { RoutedLead, ScoredBatch } from './lead.activities';
import type { CarriedState } from './lead.definitions';
import { applyDecay, applyEvent, initialState, nextDeadline, nextHandoffId, openHandoff, policiesOf, qualification, validateDecision } from './lead-state';

const model = compileGraph(b2bDefaultGraph);
const batch: ScoredBatch = { modelVersion: 3, scores: model.scores, thresholds: model.thresholds, decay: model.decay, recycle: model.recycle, limits: {}, results: [] };
const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
const route: RoutedLead = { route: { id: 'inbound', name: 'Inbound sales', team: 'Inbound', queue: 'inbound-sales', slaHours: 24 * 60, maxEscalations: 0 } };
const hit = (points: number): RuleHit => ({ ruleId: 'r', ruleName: 'Rule', score: 'engagement', points, reason: 'test' });
let n = 0;
const event = (type: string, at: string, properties: LeadEvent['properties'] = {}): LeadEvent => ({ eventId: `e${++n}`, leadId: 'l', type, properties, occurredAt: at });

/** A lead that became MQL at day 0 with `points`, its handoff open for 60 days. */
function mqlLead(points: number): CarriedState {
  const state = initialState('l', day(0));
  state.policies = policiesOf(batch);
  applyEvent(state, event('form_submit', day(0)), { hits: [hit(points)], limits: {} }, day(0));
  applyDecay(state, day(0));
  const source = qualification(state, day(0));
  expect(source?.sourceId).toBe('mql');
  openHandoff(state, source!, nextHandoffId(state.snapshot), route, day(0));
  return state;
}

describe('lead state', () => {
  it('drops an MQL back a stage and withdraws its handoff when decay takes it below the threshold', () => {
    const state = mqlLead(65);
    expect(state.snapshot.stage).toBe('mql');
    const { ledger, handoff } = applyDecay(state, day(30));
    expect(ledger.map((e) => [e.ruleId, e.points])).toEqual([
      ['decay-inactive', -10],
      ['decay-social', -8],
    ]);
    expect(handoff).toMatchObject({ status: 'withdrawn' });
    expect(state.snapshot).toMatchObject({ stage: 'lead', total: 47 });
    expect(state.snapshot.stageHistory.at(-1)?.reason).toBe('score decayed to 47, below what qualified it (mql); handoff withdrawn');
  });

  it('keeps the handoff when the score stays above the threshold', () => {
    const state = mqlLead(90);
    expect(applyDecay(state, day(30)).handoff).toBeUndefined();
    expect(state.snapshot.stage).toBe('mql');
  });

  it('scores a late event at its own time: it does not restart a newer decay clock', () => {
    const state = mqlLead(90);
    applyEvent(state, event('page_view', day(10)), { hits: [], limits: {} }, day(10));
    applyEvent(state, event('page_view', day(5)), { hits: [], limits: {} }, day(11));
    expect(state.decay['decay-web']?.since).toBe(day(10));
    expect(state.snapshot.lastActivityAt).toBe(day(10));
  });

  it('withdraws the pending handoff when the CRM disqualifies the lead', () => {
    const state = mqlLead(90);
    applyEvent(state, event('crm_outcome', day(1), { outcome: 'disqualified' }), { hits: [], limits: {} }, day(1));
    expect(state.snapshot.stage).toBe('disqualified');
    expect(state.snapshot.handoff?.status).toBe('withdrawn');
    expect(state.snapshot.stageHistory.at(-1)?.reason).toBe('CRM: disqualified');
  });

  it('validates sales answers against the handoff and the stage machine', () => {
    const state = mqlLead(90);
    const answer = (decision: any) => () => validateDecision(state, { handoffId: 'l:1', ...decision }, []);
    expect(answer({ decision: 'accept' })).not.toThrow();
    expect(answer({ decision: 'qualify' })).not.toThrow();
    expect(answer({ decision: 'reject' })).toThrow('a rejection needs a reason');
    expect(() => validateDecision(state, { handoffId: 'l:9', decision: 'accept' }, [])).toThrow("is not this lead's current handoff");
    expect(() => validateDecision(state, { handoffId: 'l:1', decision: 'accept' }, [{ handoffId: 'l:1', decision: 'reject', reason: 'spam' }])).toThrow('being answered');
    state.snapshot.handoff!.status = 'accepted';
    state.snapshot.stage = 'sal';
    expect(answer({ decision: 'accept' })).toThrow('was already accepted');
    expect(answer({ decision: 'qualify' })).not.toThrow();
  });

  it('wakes at the earliest of decay, SLA and the end of a cool-down', () => {
    const state = mqlLead(90);
    applyDecay(state, day(1));
    // Decay steps fall on day 30 (social, inactivity); the SLA on day 60.
    expect(nextDeadline(state, day(1))).toBe(Date.parse(day(30)));
    state.coolDownUntil = day(20);
    expect(nextDeadline(state, day(1))).toBe(Date.parse(day(20)));
    expect(nextDeadline(state, day(21))).toBe(Date.parse(day(30)));
  });
});

describe('ledger entries', () => {
  it('have ids unique across leads, also for decay', () => {
    const ids = ['a', 'b'].flatMap((leadId) => {
      const state = initialState(leadId, day(0));
      state.policies = policiesOf(batch);
      applyEvent(state, { ...event('form_submit', day(0)), leadId }, { hits: [hit(30)], limits: {} }, day(0));
      return applyDecay(state, day(31)).ledger.map((entry) => entry.entryId);
    });
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it('sets a predictive score to each new prediction (not adding), and says why in the ledger', () => {
    const state = initialState('l', day(0));
    state.policies = { ...policiesOf(batch), scores: [...batch.scores, { id: 'likelihood', label: 'Likelihood', min: 0, max: 100 }] };
    const predicted = (value: number) => [{ score: 'likelihood', value, probability: value / 100, terms: [{ name: 'leadSource = Reference', contribution: 1.2 }, { name: 'totalVisits', contribution: -0.31 }] }];
    const first = applyEvent(state, event('custom', day(0)), { hits: [], limits: {}, predicted: predicted(62) }, day(0));
    expect(first.map((e) => [e.ruleId, e.points, e.reason])).toEqual([['predictive:likelihood', 62, 'predicted 62 (62.0 % likely to convert; leadSource = Reference +1.20, totalVisits -0.31)']]);
    const second = applyEvent(state, event('custom', day(1)), { hits: [], limits: {}, predicted: predicted(48) }, day(1));
    expect(second.map((e) => e.points)).toEqual([-14]);
    expect(state.snapshot.scores.likelihood).toBe(48);
    // The same prediction again moves nothing and records nothing.
    expect(applyEvent(state, event('custom', day(2)), { hits: [], limits: {}, predicted: predicted(48) }, day(2))).toEqual([]);
  });
});
