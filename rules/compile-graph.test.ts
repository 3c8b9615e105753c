import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import { advance, emptyMemory, type LeadMemory } from '../engine/lead-context';
import { createScorer } from '../engine/score-event';
import type { FactValue, LeadEvent } from '../engine/types';
import { compileGraph, GraphCompileError } from './compile-graph';
import type { RuleGraphInput } from './graph.schema';
import { b2bDefaultGraph, fitEngagementGraph, twoProductsGraph } from './templates';

let counter = 0;
const event = (type: string, properties: LeadEvent['properties'] = {}, attributes?: Record<string, FactValue>, occurredAt = '2026-11-01T10:00:00Z'): LeadEvent => ({
  eventId: `e${++counter}`,
  leadId: 'l1',
  type,
  properties,
  ...(attributes && { attributes }),
  occurredAt,
});

/** Scores `events` in order for one lead, returning each event's points (before limits). */
async function pointsOf(graph: RuleGraphInput, events: LeadEvent[], memory: LeadMemory = emptyMemory()) {
  const scorer = createScorer(compileGraph(graph));
  const out = [];
  for (const e of events) {
    const { context, next } = advance(memory, e);
    out.push(await scorer.score(e, context));
    memory = next;
  }
  return out;
}
const sum = (hits: Array<{ points: number }>) => hits.reduce((total, hit) => total + hit.points, 0);

describe("DOMAIN.md's points table, through the compiled B2B template", () => {
  // action, event, points (engagement or fit)
  const table: Array<[string, LeadEvent, number]> = [
    ['blog post visit (awareness)', event('page_view', { url: '/blog/why-scoring' }), 5],
    ['social follow (awareness)', event('social_interaction', { action: 'follow', network: 'linkedin' }), 10],
    ['guide download (consideration)', event('content_download', { assetType: 'guide' }), 20],
    ['webinar attended (consideration)', event('webinar_attended', { webinar: 'q4-roadmap' }), 25],
    ['demo request (decision)', event('form_submit', { form: 'demo_request' }), 50],
    ['detailed contact form (decision)', event('form_submit', { form: 'contact_sales' }), 50],
    ['key page: pricing', event('page_view', { url: '/pricing' }), 25],
    ['email open', event('email_open', { campaign: 'nov-newsletter' }), 5],
    ['email click', event('email_click', { campaign: 'nov-newsletter' }), 15],
    ['whitepaper / ebook / case-study download', event('content_download', { assetType: 'case_study' }), 30],
    ['social share or comment', event('social_interaction', { action: 'share' }), 15],
    ['webinar registration', event('webinar_registered'), 10],
    ['negative: unsubscribe', event('unsubscribe'), -20],
    ['negative: careers page', event('page_view', { url: '/careers/sdr' }), -5],
    ['no rule for a newsletter form', event('form_submit', { form: 'newsletter' }), 0],
  ];
  it.each(table)('%s', async (_action, input, points) => {
    const [hits] = await pointsOf(b2bDefaultGraph, [input]);
    expect(sum(hits!)).toBe(points);
  });

  // attribute set by a CRM sync or a form, fit points
  const fit: Array<[string, Record<string, FactValue>, number]> = [
    ['decision authority (VP)', { seniority: 'vp' }, 20],
    ['a student in a B2B context', { seniority: 'student' }, -20],
    ['target industry', { industry: 'fintech' }, 10],
    ['company size in market', { companySize: 450 }, 15],
    ['outside the sales territory', { country: 'BR' }, -15],
    ['inside the territory', { country: 'DE' }, 0],
    ['phone given (bonus)', { phone: '+49 30 123456' }, 5],
    ['spam: free mailbox', { email: 'jo@gmail.com' }, -10],
    ['spam: keyboard mash', { firstName: 'Asdf', lastName: 'Jkl', company: 'Qwerty GmbH' }, -25],
    ['spam: not capitalised', { lastName: 'smith' }, -5],
  ];
  it.each(fit)('fit: %s', async (_what, attributes, points) => {
    const [hits] = await pointsOf(b2bDefaultGraph, [event('form_submit', { form: 'profile' }, attributes)]);
    expect(sum(hits!)).toBe(points);
  });

  it('scores an attribute only when it changes', async () => {
    const [first, same] = await pointsOf(b2bDefaultGraph, [
      event('form_submit', { form: 'profile' }, { seniority: 'vp' }),
      event('form_submit', { form: 'profile' }, { seniority: 'vp' }),
    ]);
    expect(sum(first!)).toBe(20);
    expect(same).toEqual([]);
  });

  it('counts page views in the last 30 days for the frequent-visitor rule', async () => {
    const views = Array.from({ length: 10 }, (_, i) => event('page_view', { url: `/blog/${i}` }, undefined, `2026-11-${String(i + 1).padStart(2, '0')}T09:00:00Z`));
    const results = await pointsOf(b2bDefaultGraph, views);
    expect(results.slice(0, 9).map(sum)).toEqual(Array(9).fill(5));
    expect(results[9]!.map((hit) => hit.ruleId)).toEqual(['visit-points', 'frequent-points']);
  });

  it('explains every point in words', async () => {
    const [hits] = await pointsOf(b2bDefaultGraph, [event('page_view', { url: '/pricing' })]);
    expect(hits).toEqual([
      { ruleId: 'visit-points', ruleName: 'Website visit', score: 'engagement', points: 5, reason: 'page view: +5 engagement' },
      {
        ruleId: 'key-page-points',
        ruleName: 'Key page visit',
        score: 'engagement',
        points: 20,
        reason: 'page view, (Page URL starts with /pricing or Page URL starts with /demo): +20 engagement',
      },
    ]);
  });
});

describe('compiled policies', () => {
  it('keeps limits, decay, segments, thresholds and routes of the B2B template', () => {
    const model = compileGraph(b2bDefaultGraph);
    expect(model.format).toBe(2);
    expect(model.rules.find((r) => r.id === 'decision-maker-points')).toMatchObject({ triggers: ['attribute:lead.seniority'], limits: { oncePerLead: true } });
    expect(model.rules.find((r) => r.id === 'demo-points')?.triggers).toEqual(['event:form_submit']);
    expect(model.decay.map((d) => [d.id, d.channel, d.rule])).toContainEqual(['decay-web', 'web', { mode: 'once', amount: 15, afterDays: 45 }]);
    expect(model.segments.map((s) => s.id)).toEqual(['enterprise', 'small-business']);
    expect(model.thresholds.map((t) => [t.id, t.value, t.segment])).toEqual([
      ['mql', 60, undefined],
      ['mql-enterprise', 80, 'enterprise'],
      ['mql-small', 50, 'small-business'],
    ]);
    // The conditional route is tried before the fallback.
    expect(model.thresholds[0]!.routing.map((c) => [c.routeId, Boolean(c.conditions)])).toEqual([
      ['enterprise-team', true],
      ['inbound', false],
    ]);
  });

  it('routes the two-product template by product score, and grades the fit × engagement template', async () => {
    const products = compileGraph(twoProductsGraph);
    expect(products.thresholds.map((t) => [t.scores, t.routing[0]?.routeId])).toEqual([
      [['fit', 'analytics'], 'analytics-team'],
      [['fit', 'payments'], 'payments-team'],
    ]);
    const graded = compileGraph(fitEngagementGraph);
    expect(graded.grade).toMatchObject({ salesReady: ['A1', 'A2', 'B1'], routing: [{ routeId: 'priority' }] });
    expect(graded.thresholds).toEqual([]);
  });

  it('segments leads and picks the route by their attributes', async () => {
    const scorer = createScorer(compileGraph(b2bDefaultGraph));
    expect(await scorer.segmentOf({ companySize: 5000 })).toBe('enterprise');
    expect(await scorer.segmentOf({ companySize: 50 })).toBe('small-business');
    expect(await scorer.segmentOf({ companySize: 500 })).toBeUndefined();
    expect(await scorer.segmentOf({})).toBeUndefined();
    expect((await scorer.route('mql', { companySize: 5000 }))?.id).toBe('enterprise-team');
    expect((await scorer.route('mql', { companySize: 300 }))?.id).toBe('inbound');
  });

  it('emits rules that a bare json-rules-engine accepts and runs', async () => {
    const model = compileGraph(b2bDefaultGraph);
    const engine = new Engine([], { allowUndefinedFacts: true });
    engine.addOperator('startsWith', (a: unknown, b: unknown) => typeof a === 'string' && a.startsWith(String(b)));
    const pricingRules = model.rules.filter((rule) => rule.id === 'key-page-points' || rule.id === 'visit-points');
    for (const rule of pricingRules) engine.addRule({ conditions: rule.conditions, event: rule.event, name: rule.id });
    const { events } = await engine.run({ 'event.type': 'page_view', 'event.url': '/pricing', changedAttributes: [] });
    expect(events.map((e) => e.params?.ruleId).sort()).toEqual(['key-page-points', 'visit-points']);
  });
});

describe('compileGraph on graphs with problems', () => {
  const base: RuleGraphInput = {
    name: 'small',
    scores: [{ id: 'engagement', label: 'Engagement' }],
    nodes: [
      { id: 't', kind: 'trigger', eventTypes: ['page_view'] },
      { id: 'p', kind: 'points', score: 'engagement', points: 10 },
      { id: 'th', kind: 'threshold', score: 'engagement', value: 50, stage: 'mql' },
      { id: 'r', kind: 'route', team: 'Sales', queue: 'sales' },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'p' },
      { id: 'e3', source: 'th', target: 'r' },
    ],
  };

  it('refuses a graph with errors and lists them', () => {
    const graph = { ...base, nodes: base.nodes.map((n) => (n.id === 'p' ? { ...n, score: 'fit' } : n)) };
    const error = (() => {
      try {
        compileGraph(graph);
      } catch (err) {
        return err as GraphCompileError;
      }
    })();
    expect(error).toBeInstanceOf(GraphCompileError);
    expect(error?.issues).toContainEqual(expect.objectContaining({ code: 'unknown_score', nodeId: 'p' }));
  });

  it('refuses branches that multiply into an oversized rule', () => {
    // A ladder of diamonds doubles the paths at every step.
    const nodes: RuleGraphInput['nodes'] = [{ id: 't', kind: 'trigger', eventTypes: ['page_view'] }];
    const edges: RuleGraphInput['edges'] = [];
    let previous = ['t'];
    for (let step = 0; step < 14; step++) {
      const pair = [`a${step}`, `b${step}`];
      for (const id of pair) {
        nodes.push({ id, kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'equal', value: id }] });
        for (const from of previous) edges.push({ id: `${from}-${id}`, source: from, target: id });
      }
      previous = pair;
    }
    nodes.push({ id: 'p', kind: 'points', score: 'engagement', points: 1 });
    for (const from of previous) edges.push({ id: `${from}-p`, source: from, target: 'p' });
    const graph: RuleGraphInput = { ...base, nodes: [...nodes, base.nodes[2]!, base.nodes[3]!], edges: [...edges, base.edges[1]!] };
    expect(() => compileGraph(graph)).toThrow(/too large/);
  });
});

describe('predictive scores and declared attributes', () => {
  it('compiles terms into json-rules-engine conditions with names, and rules on declared attributes', () => {
    const model = compileGraph({
      name: 'fitted',
      scores: [
        { id: 'close_rate', label: 'Close-rate points' },
        { id: 'predictive', label: 'Predicted conversion', min: 0, max: 100 },
      ],
      attributes: [{ id: 'totalVisits', label: 'TotalVisits', type: 'number' }],
      nodes: [
        { id: 'visits-set', kind: 'trigger', attributes: ['lead.totalVisits'] },
        { id: 'many', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.totalVisits', operator: 'greaterThanInclusive', value: 5 }] },
        { id: 'many-points', kind: 'points', score: 'close_rate', points: 4 },
      ],
      edges: [
        { id: 'e1', source: 'visits-set', target: 'many' },
        { id: 'e2', source: 'many', target: 'many-points' },
      ],
      predictive: [
        {
          score: 'predictive',
          label: 'Fitted on history',
          intercept: -1,
          terms: [
            { kind: 'linear', fact: 'lead.totalVisits', weight: 0.5, center: 3, scale: 2, lower: 0, upper: 30 },
            { kind: 'when', label: 'No visits known', match: 'all', conditions: [{ fact: 'lead.totalVisits', operator: 'isKnown', value: false }], weight: -0.25 },
          ],
        },
      ],
    });
    expect(model.rules.map((rule) => [rule.id, rule.triggers, rule.event.params.reason])).toEqual([['many-points', ['attribute:lead.totalVisits'], 'totalVisits changed, TotalVisits is at least 5: +4 close_rate']]);
    expect(model.predictive).toEqual([
      {
        score: 'predictive',
        name: 'Fitted on history',
        intercept: -1,
        terms: [
          { kind: 'linear', name: 'totalVisits', weight: 0.5, fact: 'lead.totalVisits', center: 3, scale: 2, lower: 0, upper: 30 },
          { kind: 'when', name: 'No visits known', weight: -0.25, conditions: { all: [{ fact: 'lead.totalVisits', operator: 'isKnown', value: false }] } },
        ],
      },
    ]);
  });
});

describe('the age of a date attribute', () => {
  // A model that declares a date attribute (as a calibrated one does) and scores how long ago it was.
  const graph: RuleGraphInput = {
    name: 'Recency',
    scores: [{ id: 'fit', label: 'Fit' }],
    attributes: [{ id: 'lastActivity', label: 'Last activity', type: 'date' }],
    nodes: [
      { id: 't', kind: 'trigger', attributes: ['lead.lastActivity'] },
      { id: 'recent', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.lastActivity', operator: 'withinDays', value: 30 }] },
      { id: 'recent-points', kind: 'points', score: 'fit', points: 10 },
      { id: 'old', kind: 'condition', match: 'all', conditions: [{ fact: 'lead.lastActivity', operator: 'olderThanDays', value: 90 }] },
      { id: 'old-points', kind: 'points', score: 'fit', points: -10 },
    ],
    edges: [
      { id: 'e1', source: 't', target: 'recent' },
      { id: 'e2', source: 'recent', target: 'recent-points' },
      { id: 'e3', source: 't', target: 'old' },
      { id: 'e4', source: 'old', target: 'old-points' },
    ],
  };

  it('compiles "more than N days ago" to the days since the date, greater than N', () => {
    const rule = compileGraph(graph).rules.find((r) => JSON.stringify(r.conditions).includes('greaterThan'));
    expect(rule?.conditions).toEqual({ all: expect.arrayContaining([{ fact: 'derived.daysSince', params: { of: 'lead.lastActivity' }, operator: 'greaterThan', value: 90 }]) });
  });

  it('measures the age at the time of the event that scores the lead, for ISO dates and yyyymmdd alike', async () => {
    const at = '2026-11-01T10:00:00Z';
    const synced = (lastActivity: string) => event('custom', { name: 'crm_sync' }, { lastActivity }, at);
    const points = await pointsOf(graph, [synced('2026-10-20')]);
    expect(points[0]!.map((hit) => hit.points)).toEqual([10]);
    expect((await pointsOf(graph, [synced('20260601')]))[0]!.map((hit) => hit.points)).toEqual([-10]);
    // 60 days ago: neither recent nor old; a date after the event has no age: nothing.
    expect(await pointsOf(graph, [synced('2026-09-02')])).toEqual([[]]);
    expect(await pointsOf(graph, [synced('2026-12-24')])).toEqual([[]]);
  });
});
