/**
 * A lead's state and the rules that change it, one input or one deadline at a time: points after
 * limits and caps, decay, thresholds and grade, handoffs and their SLA, sales answers, CRM
 * outcomes, recycling. Pure and deterministic (time always comes in as an argument, and it is the
 * time the change happened, not when it was computed). Only lifecycle.ts calls these: it decides
 * the order in which inputs and deadlines apply.
 */
import { decayDue, isActivityFor, restartDecay, type DecayState } from '../decay';
import { emptyMemory, type LeadMemory } from '../lead-context';
import type { Handoff, LeadSnapshot, LedgerEntry } from '../lead-records';
import { applyLimits, pruneUsage } from '../limits';
import { gradeOf, gradeQualifies, reachedThreshold, thresholdScore, totalScore } from '../score-state';
import { nextStage, type StageTrigger } from '../stage-machine';
import {
  CRM_OUTCOMES,
  type CompiledDecay,
  type CompiledGrade,
  type CompiledModel,
  type CompiledRoute,
  type CompiledScore,
  type CompiledThreshold,
  type LeadEvent,
  type PointsLimits,
  type PredictedScore,
  type RecyclePolicy,
  type RejectReason,
  type RuleHit,
  type Stage,
} from '../types';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The model policies a lead applies between events (timers, qualification, recycling). */
export interface LeadPolicies {
  modelVersion: number;
  scores: CompiledScore[];
  thresholds: CompiledThreshold[];
  grade?: CompiledGrade;
  decay: CompiledDecay[];
  recycle: RecyclePolicy;
}

/** A decay policy's progress in the lead's current quiet period, and its next deadline. */
export interface DecayTrack extends DecayState {
  nextAt: string | null;
}

/** Sales' answer to a handoff. */
export interface SalesDecisionInput {
  handoffId: string;
  /** accept → SAL; qualify → SQL; reject → nurture under the model's recycle policy. */
  decision: 'accept' | 'qualify' | 'reject';
  /** Required for a rejection. */
  reason?: RejectReason;
  note?: string;
}

/** Everything the lifecycle knows about one lead. Plain data: it crosses Temporal and MongoDB unchanged. */
export interface LeadState {
  /** What the read side shows. */
  snapshot: LeadSnapshot;
  memory: LeadMemory;
  /** Per rule, when it gave points (for its limits). */
  ruleUsage: Record<string, string[]>;
  /** The policies of the model version that last scored this lead. */
  policies?: LeadPolicies;
  decay: Record<string, DecayTrack>;
  /** A recycled lead cannot qualify again before this instant. */
  coolDownUntil?: string;
  /**
   * Per score, negative points its floor (min) kept from applying: they are owed, and the next
   * positive points pay them first, so a floor never makes negative behaviour free.
   */
  owed: Record<string, number>;
  /** Owners given to round-robin handoffs (`handoffId` → owner), as the shell assigned them. */
  owners: Record<string, string>;
  /** The instant the state is computed up to: inputs and deadlines until then are in it. */
  asOf?: string;
}

/** A route as a handoff needs it. */
export type RouteChoice = Pick<CompiledRoute, 'id' | 'name' | 'team' | 'queue' | 'slaHours' | 'escalateTo' | 'maxEscalations' | 'strategy' | 'owners'>;

/** A lead as it starts, before its first input (its first stage change is dated `at`). */
export function initialState(leadId: string, at: string): LeadState {
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
    stageHistory: [{ stage: 'lead', at, reason: 'first event' }],
    revision: 0,
  };
  return { snapshot, memory: emptyMemory(), ruleUsage: {}, decay: {}, owed: {}, owners: {} };
}

/** The policies a lead applies, of one published model version. */
export function modelPolicies(model: { version: number; compiled: CompiledModel }): LeadPolicies {
  const { scores, thresholds, grade, decay, recycle } = model.compiled;
  return { modelVersion: model.version, scores, thresholds, ...(grade && { grade }), decay, recycle };
}

/** What the scorer found for one event, in the lead's context at that event. */
export interface ScoredEvent {
  hits: RuleHit[];
  /** The lead's segment after the event's attributes. */
  segment: string | undefined;
  limits: Record<string, PointsLimits>;
  predicted: PredictedScore[];
  /** The lead's memory after the event (lead-context.ts `advance`). */
  memory: LeadMemory;
}

/**
 * Applies one scored event at its own time: attributes and history, the rules' points (after
 * limits, caps and what is owed), decay clocks of the channels it is activity on, and CRM
 * outcomes. Returns its ledger entries.
 */
export function applyEvent(state: LeadState, event: LeadEvent, scored: ScoredEvent): LedgerEntry[] {
  const { snapshot } = state;
  const policies = state.policies as LeadPolicies;
  const at = event.occurredAt;
  state.memory = scored.memory;
  snapshot.attributes = state.memory.attributes;
  snapshot.lastActivityAt = state.memory.lastActivityAt;
  snapshot.eventCount += 1;
  snapshot.segment = scored.segment ?? null;
  snapshot.modelVersion = policies.modelVersion;

  const ledger: LedgerEntry[] = [];
  for (const hit of scored.hits) {
    const limits = applyLimitsFor(state, hit, scored.limits[hit.ruleId], at);
    const applied = addPoints(state, hit.score, limits.points);
    const notes = [limits.note, applied.note].filter(Boolean);
    ledger.push(ledgerEntry(state, { eventId: event.eventId, eventType: event.type, ruleId: hit.ruleId, ruleName: hit.ruleName, score: hit.score, points: applied.points, occurredAt: at }, notes.length > 0 ? `${hit.reason} (${notes.join('; ')})` : hit.reason));
  }
  // A predictive score is set, not added: the ledger records the move to the new prediction.
  for (const prediction of scored.predicted) {
    const change = prediction.value - (snapshot.scores[prediction.score] ?? 0);
    if (change === 0) continue;
    const applied = addPoints(state, prediction.score, change);
    const why = prediction.terms.slice(0, 3).map((term) => `${term.name} ${term.contribution > 0 ? '+' : ''}${term.contribution.toFixed(2)}`).join(', ');
    ledger.push(
      ledgerEntry(
        state,
        { eventId: event.eventId, eventType: event.type, ruleId: `predictive:${prediction.score}`, ruleName: 'Predictive score', score: prediction.score, points: applied.points, occurredAt: at },
        `predicted ${prediction.value} (${(prediction.probability * 100).toFixed(1)} % likely to convert${why ? `; ${why}` : ''})`,
      ),
    );
  }
  for (const policy of policies.decay) {
    const track = state.decay[policy.id];
    if (isActivityFor(policy, event.type) && (!track || at > track.since)) state.decay[policy.id] = { ...restartDecay(at), nextAt: null };
  }
  const outcome = event.type === 'crm_outcome' ? String(event.properties.outcome) : undefined;
  if (outcome && (CRM_OUTCOMES as readonly string[]).includes(outcome)) {
    const moved = move(state, outcome as StageTrigger, `CRM: ${outcome}`, at);
    const handoff = snapshot.handoff;
    if (moved && handoff?.status === 'withdrawn' && !handoff.decidedAt) handoff.decidedAt = at;
  }
  refreshTotals(state);
  return ledger;
}

/**
 * Takes what every decay policy has due at `at`, then drops an MQL whose handoff is still
 * unanswered back a stage if its score fell below what qualified it. Returns ledger entries.
 */
export function applyDecay(state: LeadState, at: string): LedgerEntry[] {
  const policies = state.policies;
  if (!policies) return [];
  const ledger: LedgerEntry[] = [];
  for (const policy of policies.decay) {
    const track = state.decay[policy.id] ?? { ...restartDecay(state.memory.lastActivityAt ?? at), nextAt: null };
    const step = decayDue(policy, track, state.snapshot.scores[policy.score] ?? 0, at);
    state.decay[policy.id] = { ...step.state, nextAt: step.nextAt };
    if (step.amount <= 0) continue;
    const applied = addPoints(state, policy.score, -step.amount).points;
    const days = Math.floor((Date.parse(at) - Date.parse(track.since)) / DAY_MS);
    const quiet = policy.channel === 'any' ? 'any activity' : `${policy.channel} activity`;
    ledger.push(
      ledgerEntry(
        state,
        { eventId: `decay:${policy.id}:${track.since}`, eventType: 'decay', ruleId: policy.id, ruleName: policy.name, score: policy.score, points: applied, occurredAt: at, entrySuffix: String(step.state.taken) },
        `${policy.name}: ${applied} ${policy.score} after ${days} days without ${quiet}`,
      ),
    );
  }
  refreshTotals(state);
  const handoff = state.snapshot.handoff;
  if (ledger.length > 0 && state.snapshot.stage === 'mql' && handoff?.status === 'pending' && !stillQualifies(state, handoff.qualifiedBy)) {
    handoff.status = 'withdrawn';
    handoff.decidedAt = at;
    setStage(state, previousStage(state.snapshot), `score decayed to ${state.snapshot.total}, below what qualified it (${handoff.qualifiedBy}); handoff withdrawn`, at);
  }
  return ledger;
}

/** What qualifies the lead at `at` (a threshold for its segment, or a sales-ready grade), if anything. */
export function qualification(state: LeadState, at: string): { sourceId: string; why: string } | undefined {
  const { snapshot, policies } = state;
  if (!policies || (state.coolDownUntil && at < state.coolDownUntil)) return undefined;
  const threshold = reachedThreshold(snapshot.stage, snapshot.scores, policies.thresholds, snapshot.segment ?? undefined);
  // The score the threshold watches (a score, a sum, or the total), not always the total.
  if (threshold) return { sourceId: threshold.id, why: `score ${thresholdScore(snapshot.scores, threshold)} reached threshold ${threshold.value} (${threshold.name})` };
  if (policies.grade && gradeQualifies(snapshot.stage, snapshot.scores, policies.grade)) {
    return { sourceId: policies.grade.id, why: `grade ${snapshot.grade} is sales-ready` };
  }
  return undefined;
}

/**
 * Opens a handoff at `at` to `route` (null: no route matched) and makes the lead an MQL. The
 * owner comes from the route: a weighted pick by the handoff id, or for round-robin the owner
 * the shell assigned (`state.owners`), if it has yet. Its SLA counts from `slaFrom` when that is
 * later (the qualifying event reached LeadFlow after it happened).
 */
export function openHandoff(state: LeadState, source: { sourceId: string; why: string }, route: RouteChoice | null, owner: string | undefined, at: string, slaFrom = at): Handoff {
  const { snapshot } = state;
  const slaHours = route?.slaHours ?? 24;
  // Handed to sales when LeadFlow has the lead: the stage history keeps the crossing's own time.
  const handedAt = slaFrom > at ? slaFrom : at;
  const handoff: Handoff = {
    handoffId: nextHandoffId(snapshot),
    leadId: snapshot.leadId,
    queue: route?.queue ?? 'unrouted',
    team: route?.team ?? 'unassigned',
    ...(owner !== undefined && { owner }),
    ...(route && { routeId: route.id }),
    status: 'pending',
    createdAt: handedAt,
    slaDueAt: plusHours(handedAt, slaHours),
    slaHours,
    ...(route?.escalateTo !== undefined && { escalateTo: route.escalateTo }),
    maxEscalations: route?.maxEscalations ?? 0,
    escalations: 0,
    score: snapshot.total,
    qualifiedBy: source.sourceId,
    ...(snapshot.grade && { grade: snapshot.grade }),
    modelVersion: state.policies?.modelVersion ?? 0,
    qualifiedAtSequence: snapshot.ledgerSize,
  };
  snapshot.handoff = handoff;
  move(state, 'qualified', route ? `${source.why}; routed to ${route.name}` : `${source.why}; no route matched, left unrouted`, at);
  return handoff;
}

/** The next handoff's id: `<leadId>:<n>`. */
export function nextHandoffId(snapshot: LeadSnapshot): string {
  const count = snapshot.handoff ? Number(snapshot.handoff.handoffId.split(':').pop()) + 1 : 1;
  return `${snapshot.leadId}:${count}`;
}

/**
 * An unanswered handoff past its SLA at `at`: escalated to the route's escalation queue while
 * escalations are left, otherwise expired, and the lead goes back to marketing.
 */
export function applySla(state: LeadState, at: string): boolean {
  const handoff = state.snapshot.handoff;
  if (!handoff || handoff.status !== 'pending' || at < handoff.slaDueAt) return false;
  if (handoff.escalateTo && handoff.escalations < handoff.maxEscalations) {
    handoff.queue = handoff.escalateTo;
    delete handoff.owner;
    handoff.escalations += 1;
    handoff.slaDueAt = plusHours(handoff.slaDueAt, handoff.slaHours);
    return true;
  }
  handoff.status = 'expired';
  handoff.decidedAt = at;
  move(state, 'expired', `expired: no answer within ${handoff.slaHours} h after ${handoff.escalations} escalation(s)`, at);
  startCoolDown(state, at);
  return true;
}

/** Why the lead cannot take `decision` now, or undefined when it can. */
export function decisionProblem(state: LeadState, decision: SalesDecisionInput): string | undefined {
  const handoff = state.snapshot.handoff;
  if (!handoff || handoff.handoffId !== decision.handoffId) return `handoff ${decision.handoffId} is not this lead's current handoff`;
  const open = decision.decision === 'accept' ? handoff.status === 'pending' : handoff.status === 'pending' || handoff.status === 'accepted';
  if (!open) return `handoff ${decision.handoffId} was already ${handoff.status}`;
  if (!nextStage(state.snapshot.stage, triggerOf(decision))) return `handoff ${decision.handoffId} is closed: the lead is ${state.snapshot.stage} and cannot be ${decision.decision}ed`;
  if (decision.decision === 'reject' && !decision.reason) return 'a rejection needs a reason';
  return undefined;
}

/** Applies a sales answer at `at` (check decisionProblem first); a rejection recycles the lead. */
export function applyDecision(state: LeadState, decision: SalesDecisionInput, at: string): LedgerEntry[] {
  const handoff = state.snapshot.handoff as Handoff;
  handoff.status = decision.decision === 'reject' ? 'rejected' : 'accepted';
  handoff.decidedAt = at;
  if (decision.reason) handoff.reason = decision.reason;
  if (decision.note) handoff.note = decision.note;
  const why = { accept: 'accepted by sales', qualify: 'qualified by sales', reject: `rejected by sales: ${decision.reason}` }[decision.decision];
  move(state, triggerOf(decision), decision.note ? `${why} (${decision.note})` : why, at);
  return decision.decision === 'reject' ? recycle(state, handoff, at) : [];
}

/** Gives a round-robin handoff the owner the shell assigned, if it is still the lead's and has none. */
export function assignHandoffOwner(state: LeadState, handoffId: string, owner: string): void {
  state.owners[handoffId] = owner;
  const handoff = state.snapshot.handoff;
  if (handoff?.handoffId === handoffId && handoff.owner === undefined && handoff.escalations === 0) handoff.owner = owner;
}

/** Why a rep cannot take `handoffId` now (it must be the lead's pending handoff, owned by nobody), or undefined when they can. */
export function takingProblem(state: LeadState, handoffId: string): string | undefined {
  const handoff = state.snapshot.handoff;
  if (!handoff || handoff.handoffId !== handoffId) return `handoff ${handoffId} is not this lead's current handoff`;
  if (handoff.status !== 'pending') return `handoff ${handoffId} was already ${handoff.status}`;
  if (handoff.owner !== undefined) return `handoff ${handoffId} was already taken by ${handoff.owner}`;
  return undefined;
}

/** A rep takes the lead's pending, unowned handoff (check takingProblem first): it is theirs until it escalates. */
export function takeHandoff(state: LeadState, handoffId: string, owner: string): void {
  const handoff = state.snapshot.handoff as Handoff;
  if (handoff.handoffId === handoffId) handoff.owner = owner;
}

/** The earliest instant after which something is due: a decay step, an SLA, the end of a cool-down. */
export function nextDeadline(state: LeadState, after: string): string | undefined {
  let next: string | undefined;
  const consider = (t: string | null | undefined) => {
    if (t && (next === undefined || t < next)) next = t;
  };
  for (const track of Object.values(state.decay)) consider(track.nextAt);
  const handoff = state.snapshot.handoff;
  if (handoff?.status === 'pending') consider(handoff.slaDueAt);
  if (state.coolDownUntil && state.coolDownUntil > after) consider(state.coolDownUntil);
  return next;
}

function recycle(state: LeadState, handoff: Handoff, at: string): LedgerEntry[] {
  const policies = state.policies;
  if (!policies) return [];
  const ledger: LedgerEntry[] = [];
  for (const score of policies.recycle.resetScores) {
    const current = state.snapshot.scores[score] ?? 0;
    // A reset starts the score afresh: nothing stays owed.
    delete state.owed[score];
    if (current === 0) continue;
    const applied = addPoints(state, score, -current).points;
    ledger.push(ledgerEntry(state, { eventId: `recycle:${handoff.handoffId}`, eventType: 'recycle', ruleId: 'recycle', ruleName: 'Recycled to nurture', score, points: applied, occurredAt: at, entrySuffix: score }, `rejected by sales (${handoff.reason}): ${score} reset to 0`));
    delete state.owed[score];
  }
  startCoolDown(state, at);
  refreshTotals(state);
  return ledger;
}

function startCoolDown(state: LeadState, at: string): void {
  const days = state.policies?.recycle.coolDownDays ?? 0;
  if (days > 0) state.coolDownUntil = new Date(Date.parse(at) + days * DAY_MS).toISOString();
}

function applyLimitsFor(state: LeadState, hit: RuleHit, limits: PointsLimits | undefined, at: string) {
  const usage = state.ruleUsage[hit.ruleId] ?? [];
  const limited = applyLimits(hit.points, limits, usage, at);
  if (limited.counted) state.ruleUsage[hit.ruleId] = pruneUsage([...usage, at], limits, at);
  return limited;
}

/**
 * Adds points to a score within its caps; returns the change actually made and a note when it
 * differs. Points the floor kept back are owed; positive points pay what is owed first.
 */
function addPoints(state: LeadState, score: string, points: number): { points: number; note?: string } {
  const definition = state.policies?.scores.find((s) => s.id === score);
  const before = state.snapshot.scores[score] ?? 0;
  const owed = state.owed[score] ?? 0;
  const notes: string[] = [];
  let change = points;
  if (change > 0 && owed > 0) {
    const paid = Math.min(change, owed);
    change -= paid;
    setOwed(state, score, owed - paid);
    notes.push(`${paid} paid toward ${owed} owed below the floor`);
  }
  const wanted = before + change;
  let after = wanted;
  if (definition?.max !== undefined && after > definition.max) after = definition.max;
  if (definition?.min !== undefined && after < definition.min) {
    after = definition.min;
    setOwed(state, score, (state.owed[score] ?? 0) + (after - wanted));
    notes.push(`floor ${definition.min}: ${after - wanted} owed`);
  } else if (after !== wanted) notes.push(`capped at ${after}`);
  state.snapshot.scores = { ...state.snapshot.scores, [score]: after };
  return { points: after - before, ...(notes.length > 0 && { note: notes.join('; ') }) };
}

function setOwed(state: LeadState, score: string, value: number): void {
  if (value > 0) state.owed[score] = value;
  else delete state.owed[score];
}

/** Recomputes the total and the grade from the scores, after any change to them. */
export function refreshTotals(state: LeadState): void {
  state.snapshot.total = totalScore(state.snapshot.scores);
  state.snapshot.grade = state.policies?.grade ? gradeOf(state.snapshot.scores, state.policies.grade) : null;
}

function stillQualifies(state: LeadState, sourceId: string): boolean {
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

/** Moves the lead by `trigger` if that move is allowed; true if it moved. */
function move(state: LeadState, trigger: StageTrigger, reason: string, at: string): boolean {
  const stage = nextStage(state.snapshot.stage, trigger);
  if (!stage) return false;
  const handoff = state.snapshot.handoff;
  // Leaving MQL any other way than through sales' answer withdraws the unanswered handoff.
  if (handoff?.status === 'pending' && trigger !== 'accepted' && trigger !== 'qualified_by_sales' && trigger !== 'rejected' && trigger !== 'expired' && trigger !== 'qualified') {
    handoff.status = 'withdrawn';
  }
  setStage(state, stage, reason, at);
  return true;
}

function setStage(state: LeadState, stage: Stage, reason: string, at: string): void {
  state.snapshot.stage = stage;
  state.snapshot.stageHistory.push({ stage, at, reason });
}

function triggerOf(decision: SalesDecisionInput): StageTrigger {
  return decision.decision === 'accept' ? 'accepted' : decision.decision === 'qualify' ? 'qualified_by_sales' : 'rejected';
}

type EntryFields = Pick<LedgerEntry, 'eventId' | 'eventType' | 'ruleId' | 'ruleName' | 'score' | 'points' | 'occurredAt'> & {
  /** Makes the entry id unique when one event id gives several entries for a rule (decay steps). */
  entrySuffix?: string;
};

/** The lead's next ledger entry (it takes the next sequence number). */
function ledgerEntry(state: LeadState, fields: EntryFields, reason: string): LedgerEntry {
  const { entrySuffix, ...rest } = fields;
  return {
    // Unique across leads: decay and recycle entries reuse the same ids in every lead.
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
