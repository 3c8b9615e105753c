/**
 * Runs a lead's timeline through a model before it is published: the same state rules as a live
 * lead (lead-state.ts: points, limits, caps, decay, thresholds, grade, routing, SLA), with time
 * taken from the events instead of timers. What the builder's Simulate screen shows.
 */
import { advance } from '../engine/lead-context';
import { assignOwner } from '../engine/assign-owner';
import type { Scorer } from '../engine/score-event';
import type { CompiledModel, LeadEvent, PointsLimits } from '../engine/types';
import type { RoutedLead } from './lead.activities';
import type { CarriedState, Handoff, LedgerEntry, StageChange } from './lead.definitions';
import { applyDecay, applyEvent, applySla, initialState, modelPolicies, nextDeadline, nextHandoffId, openHandoff, qualification } from './lead-state';

export interface SimulationStep {
  at: string;
  kind: 'event' | 'timer';
  /** The event of an event step. */
  event?: { eventId: string; type: string };
  /** Points given or taken at this step, with the rule and the reason. */
  entries: Array<Pick<LedgerEntry, 'ruleId' | 'ruleName' | 'score' | 'points' | 'reason'>>;
  stageChanges: StageChange[];
  handoff?: Pick<Handoff, 'handoffId' | 'queue' | 'team' | 'owner' | 'status' | 'slaDueAt'>;
  scores: Record<string, number>;
  total: number;
  stage: string;
  grade: string | null;
  segment: string | null;
}

export interface Simulation {
  steps: SimulationStep[];
  /** True when the timers to `until` were more than the simulation runs; the tail is cut. */
  truncated: boolean;
}

/** Steps a simulation takes at most between events (decay steps, SLA escalations). */
const MAX_TIMER_STEPS = 5_000;

/**
 * Simulates `events` (in time order) for a lead that starts with `attributes`, then lets the
 * timers run until `until` (default: the last event). Nothing is stored.
 */
export async function simulateLead(
  scorer: Scorer,
  compiled: CompiledModel,
  input: { leadId: string; attributes?: Record<string, string | number | boolean | null>; events: readonly LeadEvent[]; until?: string },
): Promise<Simulation> {
  const events = [...input.events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const start = events[0]?.occurredAt ?? input.until ?? new Date(0).toISOString();
  const state = initialState(input.leadId, start);
  state.policies = modelPolicies({ version: 0, compiled });
  const limitsOf = new Map<string, PointsLimits>();
  for (const rule of compiled.rules) if (rule.limits) limitsOf.set(rule.id, rule.limits);
  const steps: SimulationStep[] = [];
  let truncated = false;

  if (input.attributes && Object.keys(input.attributes).length > 0) {
    // The lead's starting profile arrives as a CRM sync, so attribute triggers score it.
    events.unshift({ eventId: 'sim:profile', leadId: input.leadId, type: 'custom', properties: { name: 'crm_sync' }, attributes: input.attributes, occurredAt: start });
  }

  const record = (at: string, kind: SimulationStep['kind'], ledger: LedgerEntry[], stagesBefore: number, event?: LeadEvent) => {
    const { snapshot } = state;
    steps.push({
      at,
      kind,
      ...(event && { event: { eventId: event.eventId, type: event.type } }),
      entries: ledger.map(({ ruleId, ruleName, score, points, reason }) => ({ ruleId, ruleName, score, points, reason })),
      stageChanges: snapshot.stageHistory.slice(stagesBefore),
      ...(snapshot.handoff && { handoff: pickHandoff(snapshot.handoff) }),
      scores: { ...snapshot.scores },
      total: snapshot.total,
      stage: snapshot.stage,
      grade: snapshot.grade,
      segment: snapshot.segment,
    });
  };

  const runTimers = async (until: string) => {
    for (let n = 0; ; n++) {
      const due = nextDeadline(state, until);
      if (due === undefined || due > Date.parse(until)) return;
      if (n >= MAX_TIMER_STEPS) {
        truncated = true;
        return;
      }
      const at = new Date(due).toISOString();
      const stagesBefore = state.snapshot.stageHistory.length;
      const { ledger, slaChanged } = turnEnd(state, at);
      await qualify(scorer, state, at);
      if (ledger.length > 0 || slaChanged || state.snapshot.stageHistory.length > stagesBefore) record(at, 'timer', ledger, stagesBefore);
    }
  };

  for (const event of events) {
    await runTimers(event.occurredAt);
    const stagesBefore = state.snapshot.stageHistory.length;
    const { context } = advance(state.memory, event);
    const hits = await scorer.score(event, context);
    const segment = await scorer.segmentOf(context.attributes);
    const predicted = context.changedAttributes.length > 0 ? await scorer.predict(context.attributes) : [];
    const limits: Record<string, PointsLimits> = {};
    for (const hit of hits) {
      const ruleLimits = limitsOf.get(hit.ruleId);
      if (ruleLimits) limits[hit.ruleId] = ruleLimits;
    }
    const ledger = applyEvent(state, event, { hits, limits, predicted, ...(segment !== undefined && { segment }) }, event.occurredAt);
    await qualify(scorer, state, event.occurredAt);
    ledger.push(...turnEnd(state, event.occurredAt).ledger);
    record(event.occurredAt, 'event', ledger, stagesBefore, event);
  }
  if (input.until) await runTimers(input.until);
  return { steps, truncated };
}

/** What the workflow does at the end of every turn: decay due now, and the SLA. */
function turnEnd(state: CarriedState, at: string): { ledger: LedgerEntry[]; slaChanged: boolean } {
  const decayed = applyDecay(state, at);
  return { ledger: decayed.ledger, slaChanged: applySla(state, at) !== undefined };
}

async function qualify(scorer: Scorer, state: CarriedState, at: string): Promise<void> {
  const source = qualification(state, at);
  if (!source) return;
  const handoffId = nextHandoffId(state.snapshot);
  const route = await scorer.route(source.sourceId, state.snapshot.attributes);
  // Round-robin needs the live counters: a simulation shows the first owner in line.
  const owner = route ? assignOwner(route, 0, handoffId) : undefined;
  const routed: RoutedLead = route
    ? { route: { id: route.id, name: route.name, team: route.team, queue: route.queue, slaHours: route.slaHours, ...(route.escalateTo !== undefined && { escalateTo: route.escalateTo }), maxEscalations: route.maxEscalations }, ...(owner !== undefined && { owner }) }
    : { route: null };
  openHandoff(state, source, handoffId, routed, at);
}

function pickHandoff({ handoffId, queue, team, owner, status, slaDueAt }: Handoff): SimulationStep['handoff'] {
  return { handoffId, queue, team, ...(owner !== undefined && { owner }), status, slaDueAt };
}
