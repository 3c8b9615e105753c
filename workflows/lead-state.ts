/**
 * How a lead's state changes: every rule of its lifecycle as plain functions over the state the
 * workflow carries. Deterministic (time comes in as `now`), so the workflow stays a thin loop of
 * handlers, timers and activities, and these rules are tested without a server.
 */
import { decayDue, isActivityFor, restartDecay } from '../engine/decay';
import { advance, emptyMemory } from '../engine/lead-context';
import { applyLimits, pruneUsage } from '../engine/limits';
import { applyHits, gradeOf, gradeQualifies, reachedThreshold, thresholdScore, totalScore } from '../engine/score-state';
import { nextStage, type StageTrigger } from '../engine/stage-machine';
import type { CompiledModel, LeadEvent, PointsLimits, PredictedScore, RuleHit, Stage } from '../engine/types';
import type { CarriedState, Handoff, LeadPolicies, LeadSnapshot, LedgerEntry, RoutedLead, SalesDecisionInput, ScoredBatch } from './lead.definitions';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const CRM_OUTCOMES: Record<string, StageTrigger> = {
  opportunity_created: 'opportunity_created',
  won: 'won',
  lost: 'lost',
  disqualified: 'disqualified',
};

export function initialState(leadId: string, now: string): CarriedState {
  const snapshot: LeadSnapshot = {
    leadId,
    stage: 'lead',
    scores: {},
    total: 0,
    grade: null,
    segment: null,
    modelVersion: null,
    attributes: {},
    lastActivityAt: null,
    eventCount: 0,
    ledgerSize: 0,
    handoff: null,
    stageHistory: [{ stage: 'lead', at: now, reason: 'first event' }],
    revision: 0,
  };
  return { snapshot, seenEventIds: [], memory: emptyMemory(), ruleUsage: {}, decay: {}, pendingEvents: [] };
}

/** The policies of the model version that scored a batch. */
export function policiesOf(batch: ScoredBatch): LeadPolicies {
  const { modelVersion, scores, thresholds, grade, decay, recycle } = batch;
  return { modelVersion, scores, thresholds, ...(grade && { grade }), decay, recycle };
}

/** The policies a lead's workflow applies, of one published model version. */
export function modelPolicies(model: { version: number; compiled: CompiledModel }): LeadPolicies {
  const { scores, thresholds, grade, decay, recycle } = model.compiled;
  return policiesOf({ modelVersion: model.version, scores, thresholds, ...(grade && { grade }), decay, recycle, limits: {}, results: [] });
}

/**
 * Applies one scored event: attributes and history, the rules' points (after limits and caps),
 * decay clocks of the channels it is activity on, and CRM outcomes. Returns its ledger entries.
 */
export function applyEvent(
  state: CarriedState,
  event: LeadEvent,
  scored: { hits: RuleHit[]; segment?: string; limits: Record<string, PointsLimits>; predicted?: PredictedScore[] },
  now: string,
): LedgerEntry[] {
  const { hits, segment } = scored;
  const { snapshot } = state;
  const policies = state.policies as LeadPolicies;
  state.memory = advance(state.memory, event).next;
  snapshot.attributes = state.memory.attributes;
  snapshot.lastActivityAt = state.memory.lastActivityAt;
  snapshot.eventCount += 1;
  snapshot.segment = segment ?? null;
  snapshot.modelVersion = policies.modelVersion;

  const ledger: LedgerEntry[] = [];
  for (const hit of hits) {
    const limits = applyLimitsFor(state, hit, scored.limits[hit.ruleId], event.occurredAt);
    const applied = addPoints(state, hit.score, limits.points);
    const notes = [limits.note, applied !== limits.points ? `capped at ${snapshot.scores[hit.score]}` : undefined].filter(Boolean);
    ledger.push(ledgerEntry(state, { eventId: event.eventId, eventType: event.type, ruleId: hit.ruleId, ruleName: hit.ruleName, score: hit.score, points: applied, occurredAt: event.occurredAt }, notes.length > 0 ? `${hit.reason} (${notes.join('; ')})` : hit.reason));
  }
  // A predictive score is set, not added: the ledger records the move to the new prediction.
  for (const prediction of scored.predicted ?? []) {
    const change = prediction.value - (snapshot.scores[prediction.score] ?? 0);
    if (change === 0) continue;
    const applied = addPoints(state, prediction.score, change);
    const why = prediction.terms.slice(0, 3).map((term) => `${term.name} ${term.contribution > 0 ? '+' : ''}${term.contribution.toFixed(2)}`).join(', ');
    ledger.push(
      ledgerEntry(
        state,
        { eventId: event.eventId, eventType: event.type, ruleId: `predictive:${prediction.score}`, ruleName: 'Predictive score', score: prediction.score, points: applied, occurredAt: event.occurredAt },
        `predicted ${prediction.value} (${(prediction.probability * 100).toFixed(1)} % likely to convert${why ? `; ${why}` : ''})`,
      ),
    );
  }
  for (const policy of policies.decay) {
    const track = state.decay[policy.id];
    // An event that arrives late restarts a clock only if it is newer than the clock's start.
    if (isActivityFor(policy, event.type) && (!track || event.occurredAt > track.since)) state.decay[policy.id] = { ...restartDecay(event.occurredAt), nextAt: null };
  }
  const outcome = event.type === 'crm_outcome' ? CRM_OUTCOMES[String(event.properties.outcome)] : undefined;
  if (outcome) move(state, outcome, `CRM: ${String(event.properties.outcome)}`, now);
  refreshTotals(state);
  return ledger;
}

/**
 * Takes what every decay policy has due at `now`, then drops an MQL whose handoff is still
 * unanswered back a stage if its score fell below what qualified it. Returns ledger entries.
 */
export function applyDecay(state: CarriedState, now: string): { ledger: LedgerEntry[]; handoff?: Handoff } {
  const policies = state.policies;
  if (!policies) return { ledger: [] };
  const ledger: LedgerEntry[] = [];
  for (const policy of policies.decay) {
    const track = state.decay[policy.id] ?? { ...restartDecay(state.memory.lastActivityAt ?? now), nextAt: null };
    const step = decayDue(policy, track, state.snapshot.scores[policy.score] ?? 0, now);
    state.decay[policy.id] = { ...step.state, nextAt: step.nextAt };
    if (step.amount <= 0) continue;
    const applied = addPoints(state, policy.score, -step.amount);
    const days = Math.floor((Date.parse(now) - Date.parse(track.since)) / DAY_MS);
    const quiet = policy.channel === 'any' ? 'any activity' : `${policy.channel} activity`;
    ledger.push(
      ledgerEntry(
        state,
        { eventId: `decay:${policy.id}:${track.since}`, eventType: 'decay', ruleId: policy.id, ruleName: policy.name, score: policy.score, points: applied, occurredAt: now, entrySuffix: String(step.state.taken) },
        `${policy.name}: ${applied} ${policy.score} after ${days} days without ${quiet}`,
      ),
    );
  }
  refreshTotals(state);
  const handoff = state.snapshot.handoff;
  if (ledger.length > 0 && state.snapshot.stage === 'mql' && handoff?.status === 'pending' && !stillQualifies(state, handoff.qualifiedBy)) {
    handoff.status = 'withdrawn';
    const back = previousStage(state.snapshot);
    setStage(state, back, `score decayed to ${state.snapshot.total}, below what qualified it (${handoff.qualifiedBy}); handoff withdrawn`, now);
    return { ledger, handoff: { ...handoff } };
  }
  return { ledger };
}

/** What qualifies the lead now (a threshold for its segment, or a sales-ready grade), if anything. */
export function qualification(state: CarriedState, now: string): { sourceId: string; why: string } | undefined {
  const { snapshot, policies } = state;
  if (!policies || (state.coolDownUntil && now < state.coolDownUntil)) return undefined;
  const threshold = reachedThreshold(snapshot.stage, snapshot.scores, policies.thresholds, snapshot.segment ?? undefined);
  // The score the threshold watches (a score, a sum, or the total), not always the total.
  if (threshold) return { sourceId: threshold.id, why: `score ${thresholdScore(snapshot.scores, threshold)} reached threshold ${threshold.value} (${threshold.name})` };
  if (policies.grade && gradeQualifies(snapshot.stage, snapshot.scores, policies.grade)) {
    return { sourceId: policies.grade.id, why: `grade ${snapshot.grade} is sales-ready` };
  }
  return undefined;
}

/** Opens a handoff to the route chosen for the lead, and makes it an MQL. */
export function openHandoff(state: CarriedState, source: { sourceId: string; why: string }, handoffId: string, routed: RoutedLead, now: string): Handoff {
  const { snapshot } = state;
  const { route, owner } = routed;
  const slaHours = route?.slaHours ?? 24;
  const handoff: Handoff = {
    handoffId,
    leadId: snapshot.leadId,
    queue: route?.queue ?? 'unrouted',
    team: route?.team ?? 'unassigned',
    ...(owner !== undefined && { owner }),
    ...(route && { routeId: route.id }),
    status: 'pending',
    createdAt: now,
    slaDueAt: plusHours(now, slaHours),
    slaHours,
    ...(route?.escalateTo !== undefined && { escalateTo: route.escalateTo }),
    maxEscalations: route?.maxEscalations ?? 0,
    escalations: 0,
    score: snapshot.total,
    qualifiedBy: source.sourceId,
    ...(snapshot.grade && { grade: snapshot.grade }),
    modelVersion: state.policies?.modelVersion ?? 0,
  };
  snapshot.handoff = handoff;
  move(state, 'qualified', route ? `${source.why}; routed to ${route.name}` : `${source.why}; no route matched, left unrouted`, now);
  return { ...handoff };
}

/** The next handoff's id: `<leadId>:<n>`. */
export function nextHandoffId(snapshot: LeadSnapshot): string {
  const count = snapshot.handoff ? Number(snapshot.handoff.handoffId.split(':').pop()) + 1 : 1;
  return `${snapshot.leadId}:${count}`;
}

/**
 * An unanswered handoff past its SLA: escalated to the route's escalation queue while
 * escalations are left, otherwise expired, and the lead goes back to marketing ("expired").
 */
export function applySla(state: CarriedState, now: string): Handoff | undefined {
  const handoff = state.snapshot.handoff;
  if (!handoff || handoff.status !== 'pending' || now < handoff.slaDueAt) return undefined;
  if (handoff.escalateTo && handoff.escalations < handoff.maxEscalations) {
    handoff.queue = handoff.escalateTo;
    delete handoff.owner;
    handoff.escalations += 1;
    handoff.slaDueAt = plusHours(now, handoff.slaHours);
    return { ...handoff };
  }
  handoff.status = 'expired';
  handoff.decidedAt = now;
  move(state, 'expired', `expired: no answer within ${handoff.slaHours} h after ${handoff.escalations} escalation(s)`, now);
  startCoolDown(state, now);
  return { ...handoff };
}

/** Refuses (throws) an answer the lead cannot take; nothing changes. Used as the update validator. */
export function validateDecision(state: CarriedState, decision: SalesDecisionInput, queued: readonly SalesDecisionInput[]): void {
  const handoff = state.snapshot.handoff;
  if (!handoff || handoff.handoffId !== decision.handoffId) throw new Error(`handoff ${decision.handoffId} is not this lead's current handoff`);
  if (queued.some((q) => q.handoffId === decision.handoffId)) throw new Error(`handoff ${decision.handoffId} is being answered already`);
  if (handoff.status === 'accepted' && state.snapshot.stage === 'sql') throw new Error(`handoff ${decision.handoffId} was already qualified`);
  const open = decision.decision === 'accept' ? handoff.status === 'pending' : handoff.status === 'pending' || handoff.status === 'accepted';
  if (!open) throw new Error(`handoff ${decision.handoffId} was already ${handoff.status}`);
  if (!nextStage(state.snapshot.stage, triggerOf(decision))) throw new Error(`a ${state.snapshot.stage} lead cannot be ${decision.decision}ed`);
  if (decision.decision === 'reject' && !decision.reason) throw new Error('a rejection needs a reason');
}

/** Applies a validated sales answer; a rejection recycles the lead under the model's policy. */
export function applyDecision(state: CarriedState, decision: SalesDecisionInput, now: string): { handoff: Handoff; ledger: LedgerEntry[] } {
  const handoff = state.snapshot.handoff as Handoff;
  handoff.status = decision.decision === 'reject' ? 'rejected' : 'accepted';
  handoff.decidedAt = now;
  if (decision.reason) handoff.reason = decision.reason;
  if (decision.note) handoff.note = decision.note;
  const why = { accept: 'accepted by sales', qualify: 'qualified by sales', reject: `rejected by sales: ${decision.reason}` }[decision.decision];
  move(state, triggerOf(decision), decision.note ? `${why} (${decision.note})` : why, now);
  const ledger = decision.decision === 'reject' ? recycle(state, handoff, now) : [];
  return { handoff: { ...handoff }, ledger };
}

/** The earliest instant something is due: a decay step, an SLA, the end of a cool-down. */
export function nextDeadline(state: CarriedState, now: string): number | undefined {
  const times: string[] = [];
  for (const track of Object.values(state.decay)) if (track.nextAt) times.push(track.nextAt);
  const handoff = state.snapshot.handoff;
  if (handoff?.status === 'pending') times.push(handoff.slaDueAt);
  if (state.coolDownUntil && state.coolDownUntil > now) times.push(state.coolDownUntil);
  return times.length > 0 ? Math.min(...times.map((t) => Date.parse(t))) : undefined;
}

function recycle(state: CarriedState, handoff: Handoff, now: string): LedgerEntry[] {
  const policies = state.policies;
  if (!policies) return [];
  const ledger: LedgerEntry[] = [];
  for (const score of policies.recycle.resetScores) {
    const current = state.snapshot.scores[score] ?? 0;
    if (current === 0) continue;
    const applied = addPoints(state, score, -current);
    ledger.push(ledgerEntry(state, { eventId: `recycle:${handoff.handoffId}`, eventType: 'recycle', ruleId: 'recycle', ruleName: 'Recycled to nurture', score, points: applied, occurredAt: now, entrySuffix: score }, `rejected by sales (${handoff.reason}): ${score} reset to 0`));
  }
  startCoolDown(state, now);
  refreshTotals(state);
  return ledger;
}

function startCoolDown(state: CarriedState, now: string): void {
  const days = state.policies?.recycle.coolDownDays ?? 0;
  if (days > 0) state.coolDownUntil = new Date(Date.parse(now) + days * DAY_MS).toISOString();
}

function applyLimitsFor(state: CarriedState, hit: RuleHit, limits: PointsLimits | undefined, occurredAt: string) {
  const usage = state.ruleUsage[hit.ruleId] ?? [];
  const limited = applyLimits(hit.points, limits, usage, occurredAt);
  if (limited.counted) state.ruleUsage[hit.ruleId] = pruneUsage([...usage, occurredAt], limits, occurredAt);
  return limited;
}

/** Adds points to a score within its caps; returns the change actually made. */
function addPoints(state: CarriedState, score: string, points: number): number {
  const before = state.snapshot.scores[score] ?? 0;
  state.snapshot.scores = applyHits(state.snapshot.scores, [{ score, points }], state.policies?.scores ?? []);
  return (state.snapshot.scores[score] ?? 0) - before;
}

/** Recomputes the total and the grade from the scores, after any change to them. */
export function refreshTotals(state: CarriedState): void {
  state.snapshot.total = totalScore(state.snapshot.scores);
  state.snapshot.grade = state.policies?.grade ? gradeOf(state.snapshot.scores, state.policies.grade) : null;
}

function stillQualifies(state: CarriedState, sourceId: string): boolean {
  const policies = state.policies as LeadPolicies;
  const threshold = policies.thresholds.find((t) => t.id === sourceId);
  if (threshold) return thresholdScore(state.snapshot.scores, threshold) >= threshold.value;
  return policies.grade?.id === sourceId && policies.grade.salesReady.includes(gradeOf(state.snapshot.scores, policies.grade));
}

/** The stage a lead was in before it last became MQL. */
function previousStage(snapshot: LeadSnapshot): Stage {
  const history = snapshot.stageHistory;
  for (let i = history.length - 1; i > 0; i--) if (history[i]?.stage === 'mql') return history[i - 1]?.stage ?? 'lead';
  return 'lead';
}

function move(state: CarriedState, trigger: StageTrigger, reason: string, now: string): void {
  const stage = nextStage(state.snapshot.stage, trigger);
  if (!stage) return;
  const handoff = state.snapshot.handoff;
  // Leaving MQL any other way than through sales' answer withdraws the unanswered handoff.
  if (handoff?.status === 'pending' && trigger !== 'accepted' && trigger !== 'qualified_by_sales' && trigger !== 'rejected' && trigger !== 'expired' && trigger !== 'qualified') {
    handoff.status = 'withdrawn';
  }
  setStage(state, stage, reason, now);
}

function setStage(state: CarriedState, stage: Stage, reason: string, now: string): void {
  state.snapshot.stage = stage;
  state.snapshot.stageHistory.push({ stage, at: now, reason });
}

function triggerOf(decision: SalesDecisionInput): StageTrigger {
  return decision.decision === 'accept' ? 'accepted' : decision.decision === 'qualify' ? 'qualified_by_sales' : 'rejected';
}

export type EntryFields = Pick<LedgerEntry, 'eventId' | 'eventType' | 'ruleId' | 'ruleName' | 'score' | 'points' | 'occurredAt'> & {
  /** Makes the entry id unique when one event id gives several entries for a rule (decay steps). */
  entrySuffix?: string;
};

/** The lead's next ledger entry (it takes the next sequence number). */
export function ledgerEntry(state: CarriedState, fields: EntryFields, reason: string): LedgerEntry {
  const { entrySuffix, ...rest } = fields;
  return {
    // Unique across leads: decay, recycle and rescore entries reuse the same ids in every lead.
    entryId: `${state.snapshot.leadId}/${fields.eventId}:${fields.ruleId}${entrySuffix ? `:${entrySuffix}` : ''}`,
    sequence: state.snapshot.ledgerSize++,
    leadId: state.snapshot.leadId,
    ...rest,
    reason,
    modelVersion: state.policies?.modelVersion ?? 0,
  };
}

function plusHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR_MS).toISOString();
}
