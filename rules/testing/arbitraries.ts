/**
 * fast-check generators of valid rule graphs and of events, shared by the property tests and
 * the differential test of the two evaluators. Condition values and event values come from
 * the same small pools (boundaries included), so conditions often hold and often do not.
 */
import fc from 'fast-check';
import { FREE_MAILBOX_TOKEN } from '../../engine/operators';
import type { LeadEvent } from '../../engine/types';
import { EVENT_TYPES } from '../facts-catalogue';
import type { ConditionGroup, ConditionLeaf, RuleGraphInput } from '../graph.schema';

const SIZES = [0, 50, 199, 200, 1000, 5000];
const URLS = ['/pricing', '/blog/1', '/demo', '/careers', '/123', '/Pricing/Teams'];

/** One generator of condition leaves per operator the compiler can emit. */
export const LEAVES_BY_OPERATOR: Record<string, fc.Arbitrary<ConditionLeaf>> = {
  equal: fc.oneof(
    fc.record({ fact: fc.constant('event.url'), operator: fc.constant('equal'), value: fc.constantFrom(...URLS) }),
    fc.record({ fact: fc.constant('lead.isCustomer'), operator: fc.constant('equal'), value: fc.boolean() }),
  ),
  notEqual: fc.record({ fact: fc.constant('lead.industry'), operator: fc.constant('notEqual'), value: fc.constantFrom('software', 'retail') }),
  in: fc.oneof(
    fc.record({ fact: fc.constant('lead.country'), operator: fc.constant('in'), value: fc.subarray(['US', 'DE', 'FR', 'BR'], { minLength: 1 }) }),
    fc.record({ fact: fc.constant('lead.companySize'), operator: fc.constant('in'), value: fc.subarray(SIZES, { minLength: 1 }) }),
  ),
  notIn: fc.record({ fact: fc.constant('lead.country'), operator: fc.constant('notIn'), value: fc.subarray(['US', 'DE', 'FR', 'BR'], { minLength: 1 }) }),
  lessThan: fc.record({ fact: fc.constant('lead.companySize'), operator: fc.constant('lessThan'), value: fc.constantFrom(...SIZES) }),
  lessThanInclusive: fc.record({ fact: fc.constant('lead.companySize'), operator: fc.constant('lessThanInclusive'), value: fc.constantFrom(...SIZES) }),
  greaterThan: fc.record({ fact: fc.constant('lead.companySize'), operator: fc.constant('greaterThan'), value: fc.constantFrom(...SIZES) }),
  greaterThanInclusive: fc.record({ fact: fc.constant('lead.companySize'), operator: fc.constant('greaterThanInclusive'), value: fc.constantFrom(...SIZES) }),
  containsText: fc.record({ fact: fc.constant('event.url'), operator: fc.constant('containsText'), value: fc.constantFrom('pricing', 'blog', '12') }),
  startsWith: fc.record({ fact: fc.constant('event.url'), operator: fc.constant('startsWith'), value: fc.constantFrom('/pricing', '/blog', '/') }),
  endsWith: fc.record({ fact: fc.constant('event.url'), operator: fc.constant('endsWith'), value: fc.constantFrom('teams', '/1', 'demo') }),
  matchesPattern: fc.record({ fact: fc.constant('event.url'), operator: fc.constant('matchesPattern'), value: fc.constantFrom('^/blog', 'pricing$', '[0-9]+', '^/(docs|blog)/[a-z0-9-]+$') }),
  emailDomainIn: fc.record({ fact: fc.constant('lead.email'), operator: fc.constant('emailDomainIn'), value: fc.constantFrom([FREE_MAILBOX_TOKEN], ['acme.com']) }),
  keyboardMash: fc.record({ fact: fc.constantFrom('lead.firstName', 'lead.company'), operator: fc.constant('keyboardMash'), value: fc.boolean() }),
  notCapitalised: fc.record({ fact: fc.constantFrom('lead.firstName', 'lead.company'), operator: fc.constant('notCapitalised'), value: fc.boolean() }),
  withinDays: fc.record({ fact: fc.constant('lead.lastEmailOpenAt'), operator: fc.constant('withinDays'), value: fc.constantFrom(0, 10, 30, 400) }),
  olderThanDays: fc.record({ fact: fc.constant('lead.lastEmailOpenAt'), operator: fc.constant('olderThanDays'), value: fc.constantFrom(0, 10, 30, 400) }),
  isKnown: fc.record({ fact: fc.constant('lead.phone'), operator: fc.constant('isKnown'), value: fc.boolean() }),
  eventCount: fc.record({
    fact: fc.constant('derived.eventCount'),
    operator: fc.constant('greaterThanInclusive'),
    value: fc.integer({ min: 1, max: 3 }),
    params: fc.record({ eventType: fc.constantFrom('page_view', 'email_open'), days: fc.integer({ min: 1, max: 60 }) }, { requiredKeys: ['eventType', 'days'] }),
  }),
  daysSinceLastActivity: fc.record({ fact: fc.constant('derived.daysSinceLastActivity'), operator: fc.constantFrom('lessThan', 'greaterThanInclusive'), value: fc.constantFrom(0, 1, 2) }),
} as Record<string, fc.Arbitrary<ConditionLeaf>>;

export const leaf: fc.Arbitrary<ConditionLeaf> = fc.oneof(...Object.values(LEAVES_BY_OPERATOR));

/** Condition groups nested at most `depth` levels (the language allows 6). */
export const groupOf = (depth: number, leaves: fc.Arbitrary<ConditionLeaf> = leaf): fc.Arbitrary<ConditionGroup> =>
  fc.record({
    match: fc.constantFrom('all', 'any', 'none'),
    conditions: fc.array(depth > 1 ? fc.oneof(leaves, groupOf(depth - 1, leaves)) : leaves, { minLength: 1, maxLength: 3 }),
  }) as fc.Arbitrary<ConditionGroup>;

/** Valid graphs: triggers (events or attribute changes), chains of conditions into points, decay, thresholds. */
export const validGraph = (leaves: fc.Arbitrary<ConditionLeaf> = leaf): fc.Arbitrary<RuleGraphInput> =>
  fc
    .record({
      scores: fc.subarray(['fit', 'engagement', 'product_a'], { minLength: 1 }),
      triggers: fc.array(
        fc.record({
          eventTypes: fc.subarray([...EVENT_TYPES], { maxLength: 3 }),
          attributes: fc.subarray(['lead.companySize', 'lead.country', 'lead.email'], { maxLength: 2 }),
        }).filter((t) => t.eventTypes.length + t.attributes.length > 0),
        { minLength: 1, maxLength: 4 },
      ),
      chains: fc.array(
        fc.record({ trigger: fc.nat(), conditions: fc.array(groupOf(3, leaves), { maxLength: 2 }), score: fc.nat(), points: fc.integer({ min: -50, max: 50 }), once: fc.boolean() }),
        { minLength: 1, maxLength: 8 },
      ),
      threshold: fc.option(fc.integer({ min: 10, max: 200 })),
      decay: fc.boolean(),
    })
    .map(({ scores, triggers, chains, threshold, decay }) => {
      const nodes: RuleGraphInput['nodes'] = triggers.map((trigger, i) => ({ id: `t${i}`, kind: 'trigger', ...trigger }));
      const edges: RuleGraphInput['edges'] = [];
      chains.forEach((chain, c) => {
        let previous = `t${chain.trigger % triggers.length}`;
        chain.conditions.forEach((condition, k) => {
          const id = `c${c}-${k}`;
          nodes.push({ id, kind: 'condition', ...condition });
          edges.push({ id: `e-${previous}-${id}`, source: previous, target: id });
          previous = id;
        });
        const score = scores[chain.score % scores.length] as string;
        nodes.push({ id: `p${c}`, kind: 'points', score, points: chain.points, ...(chain.once && { limits: { oncePerLead: true } }) });
        edges.push({ id: `e-${previous}-p${c}`, source: previous, target: `p${c}` });
      });
      if (threshold !== null) {
        nodes.push({ id: 'th', kind: 'threshold', score: 'total', value: threshold, stage: 'mql' }, { id: 'r', kind: 'route', team: 'Sales', queue: 'sales' });
        edges.push({ id: 'e-th-r', source: 'th', target: 'r' });
      }
      if (decay) nodes.push({ id: 'd', kind: 'decay', score: scores[0] as string, channel: 'any', rule: { mode: 'step', amount: 10, everyDays: 30 } });
      return { name: 'generated', scores: scores.map((id) => ({ id, label: id })), nodes, edges };
    });

export const leadEvent: fc.Arbitrary<LeadEvent> = fc.record({
  eventId: fc.uuid(),
  leadId: fc.constant('lead'),
  type: fc.constantFrom(...EVENT_TYPES),
  properties: fc.record({ url: fc.constantFrom(...URLS) }, { requiredKeys: [] }),
  attributes: fc.record(
    {
      companySize: fc.constantFrom(...SIZES),
      country: fc.constantFrom('US', 'DE', 'BR'),
      industry: fc.constantFrom('software', 'retail'),
      isCustomer: fc.boolean(),
      email: fc.constantFrom('a@gmail.com', 'b@acme.com', 'nobody'),
      firstName: fc.constantFrom('Asdf', 'maria', 'Maria'),
      company: fc.constantFrom('acme', 'Acme', 'Qwerty Ltd'),
      phone: fc.constantFrom('', '+1 555 0100'),
      lastEmailOpenAt: fc.constantFrom('2026-10-25T00:00:00Z', '2025-01-01T00:00:00Z', '20250101', '2026-10-25', 'not a date'),
    },
    { requiredKeys: [] },
  ),
  occurredAt: fc.constantFrom('2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z', '2026-11-02T10:00:00Z', '2026-11-03T12:00:00Z'),
});
