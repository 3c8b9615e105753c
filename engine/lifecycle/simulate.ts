/**
 * Runs a lead's timeline through a model before it is published, or a real lead's inputs through
 * a draft: the lifecycle core's replay (lifecycle.ts), step by step, with deadlines taken up to
 * `until`. What the builder's Simulate screen shows. Stores nothing.
 */
import { assignOwner } from '../assign-owner';
import type { Handoff, LedgerEntry, StageChange } from '../lead-records';
import type { Scorer } from '../score-event';
import type { CompiledModel, FactValue, LeadEvent } from '../types';
import { inputAt, lifecycleModel, replay, type FoldStep, type LeadInput } from './lifecycle';

export interface SimulationStep {
  at: string;
  kind: 'event' | 'answer' | 'timer';
  /** The event of an event step. */
  event?: { eventId: string; type: string };
  /** The sales answer of an answer step. */
  answer?: { handoffId: string; decision: string };
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
  /** True when the deadlines to `until` were more than the simulation shows; the tail is cut. */
  truncated: boolean;
  /**
   * The moment the simulation ran to: `until`, or the last input when that is later. Steps are
   * only the moments something changed, so the lead stays as the last step left it until then.
   */
  until: string;
}

/** Deadline steps a simulation shows at most (decay steps, SLA escalations). */
const MAX_TIMER_STEPS = 5_000;

/**
 * Simulates a lead that starts with `attributes` (a CRM sync at its first input) and lives
 * through `events` and any other `inputs` (sales answers of a real lead), then lets deadlines
 * run until `until` (default: the last input).
 */
export async function simulateLead(
  scorer: Scorer,
  compiled: CompiledModel,
  input: { leadId: string; attributes?: Record<string, FactValue>; events: readonly LeadEvent[]; inputs?: readonly LeadInput[]; until?: string },
): Promise<Simulation> {
  const inputs: LeadInput[] = [...input.events.map((event): LeadInput => ({ kind: 'event', event })), ...(input.inputs ?? [])];
  const start = inputs.map(inputAt).sort()[0] ?? input.until ?? new Date(0).toISOString();
  if (input.attributes && Object.keys(input.attributes).length > 0) {
    // The lead's starting profile arrives as a CRM sync just before its first input, so
    // attribute triggers score it and every event sees it.
    const before = new Date(Date.parse(start) - 1).toISOString();
    inputs.push({ kind: 'event', event: { eventId: 'sim:profile', leadId: input.leadId, type: 'custom', properties: { name: 'crm_sync' }, attributes: input.attributes, occurredAt: before } });
  }
  const last = inputs.map(inputAt).sort().at(-1) ?? start;
  const until = input.until && input.until > last ? input.until : last;
  // Round-robin needs the live counters: a simulation shows the first owner in line.
  const model = lifecycleModel(0, compiled, scorer, (route, handoffId) => assignOwner(route, 0, handoffId));
  const steps: SimulationStep[] = [];
  let timers = 0;
  await replay(input.leadId, inputs, until, model, (step) => {
    if (step.kind === 'deadline') {
      if (step.ledger.length === 0 && !step.handoff && step.stageChanges.length === 0) return;
      if (++timers > MAX_TIMER_STEPS) return;
    }
    steps.push(toStep(step));
  });
  return { steps, truncated: timers > MAX_TIMER_STEPS, until };
}

function toStep(step: FoldStep): SimulationStep {
  const { snapshot } = step.state;
  const input = step.input;
  return {
    at: step.at,
    kind: !input ? 'timer' : input.kind === 'answer' || input.kind === 'take' ? 'answer' : 'event',
    ...(input?.kind === 'event' && { event: { eventId: input.event.eventId, type: input.event.type } }),
    ...(input?.kind === 'answer' && { answer: { handoffId: input.answer.handoffId, decision: input.answer.decision } }),
    ...(input?.kind === 'take' && { answer: { handoffId: input.handoffId, decision: `taken by ${input.owner}` } }),
    entries: step.ledger.map(({ ruleId, ruleName, score, points, reason }) => ({ ruleId, ruleName, score, points, reason })),
    stageChanges: step.stageChanges,
    ...(snapshot.handoff && { handoff: pickHandoff(snapshot.handoff) }),
    scores: { ...snapshot.scores },
    total: snapshot.total,
    stage: snapshot.stage,
    grade: snapshot.grade,
    segment: snapshot.segment,
  };
}

function pickHandoff({ handoffId, queue, team, owner, status, slaDueAt }: Handoff): SimulationStep['handoff'] {
  return { handoffId, queue, team, ...(owner !== undefined && { owner }), status, slaDueAt };
}
