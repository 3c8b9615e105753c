import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileGraph } from '../../rules/compile-graph';
import { b2bDefaultGraph, TEMPLATES } from '../../rules/templates';
import type { LedgerEntry } from '../lead-records';
import { createScorer } from '../score-event';
import type { CompiledModel, LeadEvent } from '../types';
import { compareInputs, emptyLifecycle, lifecycleModel, needsWholeLog, replay, takeProblem, turn, type LeadInput, type Lifecycle, type LifecycleModel } from './lifecycle';
import type { LeadState } from './lead-state';

const models = Object.fromEntries(Object.entries(TEMPLATES).map(([id, graph]) => [id, lifecycleModel(1, compileGraph(graph), createScorer(compileGraph(graph)))]));
/** The tests' own clock: every instant is an offset from here, and `now` is given to the core. */
const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

const eventShapes: Array<Pick<LeadEvent, 'type' | 'properties'> & { attributes?: LeadEvent['attributes'] }> = [
  { type: 'page_view', properties: { url: '/pricing' } },
  { type: 'page_view', properties: { url: '/blog/post' } },
  { type: 'page_view', properties: { url: '/careers' } },
  { type: 'page_view', properties: { url: '/products/analytics/pricing' } },
  { type: 'form_submit', properties: { form: 'demo_request' } },
  { type: 'form_submit', properties: { form: 'contact_sales' } },
  { type: 'webinar_attended', properties: {} },
  { type: 'page_view', properties: { url: '/demo' } },
  { type: 'form_submit', properties: { form: 'newsletter' } },
  { type: 'email_open', properties: {} },
  { type: 'email_click', properties: {} },
  { type: 'webinar_attended', properties: {} },
  { type: 'content_download', properties: { asset: 'guide' } },
  { type: 'social_share', properties: {} },
  { type: 'unsubscribe', properties: {} },
  { type: 'crm_outcome', properties: { outcome: 'won' } },
  { type: 'crm_outcome', properties: { outcome: 'lost' } },
  { type: 'crm_outcome', properties: { outcome: 'disqualified' } },
  { type: 'custom', properties: { name: 'crm_sync' }, attributes: { seniority: 'vp', companySize: 800, industry: 'software', country: 'US' } },
  { type: 'custom', properties: { name: 'crm_sync' }, attributes: { seniority: 'student', email: 'x@gmail.com' } },
  { type: 'form_submit', properties: { form: 'profile' }, attributes: { firstName: 'asdf', company: 'qwerty', seniority: 'director' } },
];

const inputArb = fc.oneof(
  {
    weight: 4,
    // Some events reach LeadFlow late (a CRM backfill): up to three days after they happened.
    arbitrary: fc.record({ kind: fc.constant('event' as const), shape: fc.nat(eventShapes.length - 1), minute: fc.nat(90 * 24 * 60), lateBy: fc.option(fc.nat(3 * 24 * 60), { freq: 3 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('answer' as const),
      handoff: fc.integer({ min: 1, max: 2 }),
      decision: fc.constantFrom('accept' as const, 'qualify' as const, 'reject' as const),
      // Sales answers within a day or so of something the lead did (drawn item `after`).
      after: fc.nat(39),
      delay: fc.integer({ min: 1, max: 30 * 60 }),
    }),
  },
);

/** Random histories: events of every kind (syncs, outcomes, unsubscribes) and sales answers over 200 days. */
/** Most histories also hold a burst that qualifies a lead (a demo request and a pricing visit), so handoffs are common. */
const burstArb = fc.option(fc.nat(90 * 24 * 60), { freq: 3 }).map((minute) =>
  minute === null
    ? []
    : [
        { kind: 'event' as const, shape: eventShapes.findIndex((e) => e.properties.form === 'demo_request'), minute, lateBy: null },
        { kind: 'event' as const, shape: 0, minute: minute + 1, lateBy: null },
      ],
);

const historyArb = fc.tuple(fc.array(inputArb, { minLength: 1, maxLength: 40 }), burstArb).map(([some, burst]) => {
  const drawn = [...some, ...burst];
  const minuteOf = (i: number): number => {
    const d = drawn[i % drawn.length] as (typeof drawn)[number];
    return d.kind === 'event' ? d.minute : i === 0 ? 0 : minuteOf(i - 1) + d.delay;
  };
  return drawn.map((d, i): LeadInput => {
    if (d.kind === 'event') {
      const shape = eventShapes[d.shape] as (typeof eventShapes)[number];
      const receivedAt = d.lateBy === null || d.lateBy === undefined ? undefined : iso(T0 + (d.minute + d.lateBy) * MINUTE);
      return { kind: 'event', event: { eventId: `e${i}`, leadId: 'p', ...shape, occurredAt: iso(T0 + d.minute * MINUTE), ...(receivedAt && { receivedAt }) } };
    }
    return { kind: 'answer', answer: { handoffId: `p:${d.handoff}`, decision: d.decision, ...(d.decision === 'reject' && { reason: 'no_budget' as const }) }, at: iso(T0 + (minuteOf(d.after % i || 0) + d.delay) * MINUTE) };
  });
});

/** Sales answers to the handoffs a history opens: which handoff, what, and how many minutes after it opened. */
const answerPlanArb = fc.array(
  fc.record({ handoff: fc.nat(5), decision: fc.constantFrom('accept' as const, 'qualify' as const, 'reject' as const), delay: fc.integer({ min: 1, max: 36 * 60 }) }),
  { maxLength: 4 },
);

async function answersTo(inputs: LeadInput[], plan: Array<{ handoff: number; decision: 'accept' | 'qualify' | 'reject'; delay: number }>, now: string, model: LifecycleModel): Promise<LeadInput[]> {
  const opened: Array<{ handoffId: string; at: number }> = [];
  await replay('p', inputs, now, model, (step) => {
    if (step.handoff && !opened.some((h) => h.handoffId === step.handoff?.handoffId)) opened.push({ handoffId: step.handoff.handoffId, at: Date.parse(step.handoff.createdAt) });
  });
  if (opened.length === 0) return [];
  return plan.map(({ handoff, decision, delay }): LeadInput => {
    const target = opened[handoff % opened.length] as (typeof opened)[number];
    return { kind: 'answer', answer: { handoffId: target.handoffId, decision, ...(decision === 'reject' && { reason: 'bad_timing' as const }) }, at: iso(target.at + delay * MINUTE) };
  });
}

const inputTime = (input: LeadInput) => Date.parse(input.kind === 'event' ? input.event.occurredAt : input.at);

/** What the read side shows and sales sees: compared entry by entry. */
function visible(state: LeadState, ledger: LedgerEntry[]) {
  const { revision: _revision, ...snapshot } = state.snapshot;
  return { snapshot, ledger };
}

/**
 * Delivers `batches` in order, each when its newest input has happened; then a last turn at
 * `now`. With a small `keep`, the lifecycle keeps few inputs beyond its base, and an input older
 * than the base gets the whole log handed in first, as the workflow does from the store.
 */
async function live(batches: LeadInput[][], now: string, model: LifecycleModel, keep?: number) {
  let lifecycle: Lifecycle = emptyLifecycle('p');
  let ledger: LedgerEntry[] = [];
  let clock = 0;
  let view: LeadState | undefined;
  const stored: LeadInput[] = [];
  for (const batch of [...batches, []]) {
    clock = batch.length === 0 ? Date.parse(now) : Math.max(clock, ...batch.map(inputTime));
    if (needsWholeLog(lifecycle, batch)) lifecycle = { settled: lifecycle.settled, log: [...stored].sort(compareInputs) };
    const result = await turn(lifecycle, batch, iso(clock), model, keep);
    for (const input of result.applied) stored.push(input);
    lifecycle = result.lifecycle;
    ledger = [...ledger.slice(0, result.ledgerFrom), ...result.ledger];
    view = result.view;
  }
  return visible(view as LeadState, ledger);
}

async function replayed(inputs: LeadInput[], now: string, model: LifecycleModel) {
  const ledger: LedgerEntry[] = [];
  const { view } = await replay('p', inputs, now, model, (step) => ledger.push(...step.ledger));
  return visible(view, ledger);
}

describe('the lifecycle core', () => {
  it('gives the same lead, entry by entry, whether inputs arrive one by one, all at once or in random batches', async () => {
    // What the drawn histories went through: the property must have met every part of a life.
    const seen = { handoff: 0, accepted: 0, rejected: 0, expired: 0, decay: 0, outcome: 0, owed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(models)), historyArb, answerPlanArb, fc.array(fc.nat(), { maxLength: 50 }), fc.integer({ min: 1, max: 6 }), async (modelId, drawn, plan, order, batchCount) => {
        const model = models[modelId] as LifecycleModel;
        const now = iso(T0 + 220 * DAY);
        const inputs = [...drawn, ...(await answersTo(drawn, plan, now, model))];
        const expected = await replayed(inputs, now, model);
        const reasons = expected.snapshot.stageHistory.map((change) => change.reason).join('\n');
        if (expected.snapshot.stageHistory.some((change) => change.stage === 'mql')) seen.handoff++;
        if (/accepted by sales/.test(reasons)) seen.accepted++;
        if (/rejected by sales/.test(reasons)) seen.rejected++;
        if (/expired: no answer/.test(reasons)) seen.expired++;
        if (/CRM: /.test(reasons)) seen.outcome++;
        if (expected.ledger.some((entry) => entry.eventType === 'decay')) seen.decay++;
        if (expected.ledger.some((entry) => /owed/.test(entry.reason))) seen.owed++;
        // Arrival order: a random permutation, so events come late, backdated and out of order.
        const arrival = [...inputs].sort((a, b) => (order[inputs.indexOf(a)] ?? 0) - (order[inputs.indexOf(b)] ?? 0));
        expect(await live([arrival], now, model)).toEqual(expected);
        expect(await live(arrival.map((input) => [input]), now, model)).toEqual(expected);
        // A lifecycle that keeps two inputs beyond its base: late inputs refold from the base, or from the whole log.
        expect(await live(arrival.map((input) => [input]), now, model, 2)).toEqual(expected);
        const batches: LeadInput[][] = Array.from({ length: batchCount }, () => []);
        arrival.forEach((input, i) => batches[(order[i] ?? i) % batchCount]?.push(input));
        expect(await live(batches.filter((b) => b.length > 0), now, model)).toEqual(expected);
        // A repeat of any input changes nothing.
        expect(await live([arrival, arrival.slice(0, 3)], now, model)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    for (const [what, count] of Object.entries(seen)) expect(count, `histories with ${what}`).toBeGreaterThan(5);
  });

  it('charges a silent period once, and a late event never re-charges decay already taken', async () => {
    const model = models['b2b-default'] as LifecycleModel;
    const event = (id: string, type: string, properties: LeadEvent['properties'], day: number): LeadInput => ({ kind: 'event', event: { eventId: id, leadId: 'p', type, properties, occurredAt: iso(T0 + day * DAY) } });
    const early = [event('pricing', 'page_view', { url: '/pricing' }, 0), event('demo', 'form_submit', { form: 'demo_request' }, 0)];
    const open = event('open', 'email_open', {}, 40);
    // Live: the early events, 40 days of timers, then an email open today.
    const first = await turn(emptyLifecycle('p'), early, iso(T0), model);
    const quiet = await turn(first.lifecycle, [], iso(T0 + 39 * DAY), model);
    const today = await turn(quiet.lifecycle, [open], iso(T0 + 40 * DAY), model);
    const { view } = await replay('p', [...early, open], iso(T0 + 40 * DAY), model);
    expect(today.view.snapshot.scores).toEqual(view.snapshot.scores);
    let ledger: LedgerEntry[] = [];
    for (const result of [first, quiet, today]) ledger = [...ledger.slice(0, result.ledgerFrom), ...result.ledger];
    const inactivity = ledger.filter((e) => e.ruleId === 'decay-inactive');
    expect(inactivity.map((e) => e.points)).toEqual([-10]);
  });

  it('lets a rep take a pending handoff nobody owns, once: a second take is refused, and a replay keeps the owner', async () => {
    const model = models['b2b-default'] as LifecycleModel;
    const event = (id: string, type: string, properties: LeadEvent['properties']): LeadInput => ({ kind: 'event', event: { eventId: id, leadId: 'p', type, properties, occurredAt: iso(T0) } });
    const qualifying = [event('pricing', 'page_view', { url: '/pricing' }), event('demo', 'form_submit', { form: 'demo_request' })];
    const first = await turn(emptyLifecycle('p'), qualifying, iso(T0), model);
    const handoff = first.view.snapshot.handoff;
    expect(handoff).toMatchObject({ handoffId: 'p:1', status: 'pending', queue: 'inbound-sales' });
    expect(handoff?.owner).toBeUndefined();
    expect(takeProblem(first.view, 'p:1')).toBeUndefined();

    const take: LeadInput = { kind: 'take', handoffId: 'p:1', owner: 'rep-ann', at: iso(T0 + MINUTE) };
    const taken = await turn(first.lifecycle, [take], iso(T0 + MINUTE), model);
    expect(taken.view.snapshot.handoff).toMatchObject({ handoffId: 'p:1', owner: 'rep-ann', status: 'pending' });
    expect(taken.handoffs.map((h) => h.owner)).toEqual(['rep-ann']);
    expect(takeProblem(taken.view, 'p:1')).toBe('handoff p:1 was already taken by rep-ann');

    const late: LeadInput = { kind: 'take', handoffId: 'p:1', owner: 'rep-bob', at: iso(T0 + 2 * MINUTE) };
    const again = await turn(taken.lifecycle, [late], iso(T0 + 2 * MINUTE), model);
    expect(again.ignored.get('take:p:1:rep-bob:' + iso(T0 + 2 * MINUTE))).toBe('handoff p:1 was already taken by rep-ann');
    expect(again.view.snapshot.handoff?.owner).toBe('rep-ann');
    expect(takeProblem(again.view, 'p:2')).toBe("handoff p:2 is not this lead's current handoff");

    const { view } = await replay('p', [...qualifying, late, take], iso(T0 + 2 * MINUTE), model);
    expect(view.snapshot.handoff?.owner).toBe('rep-ann');
  });

  it('keeps negative points owed below a floor: an unsubscribed lead stays below its twin after the same later events', async () => {
    const model = models['b2b-default'] as LifecycleModel;
    const at = (minute: number) => iso(T0 + minute * MINUTE);
    const later: LeadInput[] = [
      { kind: 'event', event: { eventId: 'v1', leadId: 'p', type: 'page_view', properties: { url: '/pricing' }, occurredAt: at(10) } },
      { kind: 'event', event: { eventId: 'v2', leadId: 'p', type: 'email_click', properties: {}, occurredAt: at(11) } },
    ];
    const unsubscribe: LeadInput = { kind: 'event', event: { eventId: 'u', leadId: 'p', type: 'unsubscribe', properties: {}, occurredAt: at(1) } };
    const twin = await replay('p', later, at(20), model);
    const ledger: LedgerEntry[] = [];
    const lead = await replay('p', [unsubscribe, ...later], at(20), model, (step) => ledger.push(...step.ledger));
    expect(lead.view.snapshot.total).toBeLessThan(twin.view.snapshot.total);
    const entry = ledger.find((e) => e.eventId === 'u');
    expect(entry?.points).toBe(0);
    expect(entry?.reason).toMatch(/owed/);
    expect(ledger.some((e) => /paid toward/.test(e.reason))).toBe(true);
  });
});

describe('the lifecycle core on json-rules-engine', () => {
  afterEach(() => vi.restoreAllMocks());

  /**
   * b2b-default with its page-view rule, its enterprise segment and its enterprise routing each
   * given a condition outside the compiled subset (a fact-valued right-hand side, true whenever
   * the fact is known), so those run on json-rules-engine and answer with promises.
   */
  function withFallbacks(model: CompiledModel): CompiledModel {
    const known = (fact: string, operator: string) => ({ fact, operator, value: { fact } });
    const enterprise = { all: [{ fact: 'lead.companySize', operator: 'greaterThanInclusive', value: 1000 }, known('lead.companySize', 'greaterThanInclusive')] };
    return {
      ...model,
      rules: model.rules.map((rule) => (rule.id === 'visit-points' ? { ...rule, conditions: { all: [rule.conditions, known('event.type', 'equal')] } } : rule)),
      segments: model.segments.map((segment) => (segment.id === 'enterprise' ? { ...segment, conditions: enterprise } : segment)),
      thresholds: model.thresholds.map((threshold) => ({ ...threshold, routing: threshold.routing.map((choice) => (choice.routeId === 'enterprise-team' ? { ...choice, conditions: enterprise } : choice)) })),
    };
  }

  it('scores, segments and routes through turn with rules outside the compiled subset, as the compiled model does', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const compiled = compileGraph(b2bDefaultGraph);
    const fallback = withFallbacks(compiled);
    const mixed = lifecycleModel(1, fallback, createScorer(fallback));
    expect(mixed.scorer.stats).toMatchObject({ fallback: 1, fallbackRuleIds: ['visit-points'] });
    // Plain answers from compiled closures, promises where json-rules-engine runs.
    expect(models['b2b-default']?.scorer.segmentOf({ companySize: 1500 })).toBe('enterprise');
    const segment = mixed.scorer.segmentOf({ companySize: 1500 });
    expect(segment).toBeInstanceOf(Promise);
    expect(await segment).toBe('enterprise');

    const at = (minute: number) => iso(T0 + minute * MINUTE);
    const inputs: LeadInput[] = [
      { kind: 'event', event: { eventId: 'sync', leadId: 'p', type: 'custom', properties: { name: 'crm_sync' }, attributes: { companySize: 1500, seniority: 'vp', industry: 'software', country: 'US' }, occurredAt: at(0) } },
      { kind: 'event', event: { eventId: 'blog', leadId: 'p', type: 'page_view', properties: { url: '/blog/post' }, occurredAt: at(1) } },
      { kind: 'event', event: { eventId: 'pricing', leadId: 'p', type: 'page_view', properties: { url: '/pricing' }, occurredAt: at(2) } },
      { kind: 'event', event: { eventId: 'demo', leadId: 'p', type: 'form_submit', properties: { form: 'demo_request' }, occurredAt: at(3) } },
    ];
    const now = at(60);
    const expected = await live([inputs], now, models['b2b-default'] as LifecycleModel);
    expect(expected.snapshot.segment).toBe('enterprise');
    expect(expected.snapshot.handoff?.routeId).toBe('enterprise-team');
    expect(expected.ledger.filter((entry) => entry.ruleId === 'visit-points')).toHaveLength(2);
    expect(await live([inputs], now, mixed)).toEqual(expected);
    expect(await live(inputs.map((input) => [input]), now, mixed)).toEqual(expected);
    expect(await replayed(inputs, now, mixed)).toEqual(expected);
  });

  it('gives the same lead on json-rules-engine alone as compiled, whatever the history and its batches', async () => {
    const compiled = compileGraph(b2bDefaultGraph);
    const reference = lifecycleModel(1, compiled, createScorer(compiled, { evaluator: 'json-rules-engine' }));
    const model = models['b2b-default'] as LifecycleModel;
    await fc.assert(
      fc.asyncProperty(historyArb, fc.integer({ min: 1, max: 4 }), async (inputs, batchCount) => {
        const now = iso(T0 + 220 * DAY);
        const expected = await replayed(inputs, now, model);
        const batches: LeadInput[][] = Array.from({ length: batchCount }, () => []);
        inputs.forEach((input, i) => batches[i % batchCount]?.push(input));
        expect(await live(batches.filter((b) => b.length > 0), now, reference)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
