/**
 * One lead's life as a durable workflow: events in, points applied (with the rules' limits and
 * the scores' caps), thresholds or the grade reached, a routed handoff to sales, and sales'
 * answer. Deterministic: all I/O is in activities.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { advance, emptyMemory } from '../engine/lead-context';
import { applyLimits, pruneUsage } from '../engine/limits';
import { applyHits, gradeOf, gradeQualifies, reachedThreshold, stageAfterDecision, totalScore } from '../engine/score-state';
import type { LeadEvent, Stage } from '../engine/types';
import type { LeadActivities, ScoredBatch } from './lead.activities';
import {
  leadEventSignal,
  leadStateQuery,
  salesDecisionUpdate,
  type CarriedState,
  type Handoff,
  type LeadSnapshot,
  type LeadWorkflowInput,
  type LedgerEntry,
  type SalesDecisionInput,
} from './lead.definitions';

const { scoreEvents, routeLead, writeProjection } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});

/** Events scored by one activity call; bounds the activity's payload. */
const MAX_BATCH = 200;
const HOUR_MS = 3_600_000;

export async function leadWorkflow(input: LeadWorkflowInput): Promise<void> {
  const state: CarriedState = input.carried ?? { snapshot: newLead(input.leadId), seenEventIds: [], memory: emptyMemory(), ruleUsage: {} };
  const { snapshot } = state;
  const seenEventIds = new Set(state.seenEventIds);
  const pendingEvents: LeadEvent[] = [];
  const pendingDecisions: SalesDecisionInput[] = [];
  const answered = new Set<string>();

  setHandler(leadEventSignal, (event) => {
    // A duplicate event id has no effect, within this run and across continue-as-new.
    if (seenEventIds.has(event.eventId)) return;
    seenEventIds.add(event.eventId);
    pendingEvents.push(event);
  });

  setHandler(leadStateQuery, () => snapshot);

  setHandler(
    salesDecisionUpdate,
    async (decision) => {
      pendingDecisions.push(decision);
      await condition(() => answered.has(decision.handoffId));
      return snapshot;
    },
    { validator: (decision) => validateDecision(snapshot, decision, pendingDecisions) },
  );

  for (;;) {
    await condition(() => pendingEvents.length > 0 || pendingDecisions.length > 0 || workflowInfo().continueAsNewSuggested);
    if (pendingDecisions.length > 0) {
      const decisions = pendingDecisions.splice(0);
      const handoffs = decisions.map((decision) => applyDecision(snapshot, decision));
      await save(snapshot, [], handoffs);
      for (const decision of decisions) answered.add(decision.handoffId);
    }
    if (pendingEvents.length > 0) {
      const batch = pendingEvents.splice(0, MAX_BATCH);
      const { ledger, handoffs } = await scoreBatch(state, batch);
      await save(snapshot, ledger, handoffs);
    }
    if (workflowInfo().continueAsNewSuggested && pendingEvents.length === 0 && pendingDecisions.length === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof leadWorkflow>({ leadId: snapshot.leadId, carried: { ...state, seenEventIds: [...seenEventIds] } });
    }
  }
}

function newLead(leadId: string): LeadSnapshot {
  return {
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
    stageHistory: [{ stage: 'lead', at: new Date().toISOString(), reason: 'first event' }],
    revision: 0,
  };
}

/** Scores a batch, applies its points event by event, and hands the lead off when it qualifies. */
async function scoreBatch(state: CarriedState, batch: LeadEvent[]): Promise<{ ledger: LedgerEntry[]; handoffs: Handoff[] }> {
  const { snapshot } = state;
  const scored = await scoreEvents({ events: batch, memory: state.memory });
  const ledger: LedgerEntry[] = [];
  const handoffs: Handoff[] = [];
  for (const [index, { eventId, hits, segment }] of scored.results.entries()) {
    const event = batch[index] as LeadEvent;
    state.memory = advance(state.memory, event).next;
    snapshot.attributes = state.memory.attributes;
    snapshot.lastActivityAt = state.memory.lastActivityAt;
    snapshot.eventCount += 1;
    snapshot.segment = segment ?? null;
    for (const hit of hits) {
      const limits = scored.limits[hit.ruleId];
      const usage = state.ruleUsage[hit.ruleId] ?? [];
      const limited = applyLimits(hit.points, limits, usage, event.occurredAt);
      if (limited.counted) state.ruleUsage[hit.ruleId] = pruneUsage([...usage, event.occurredAt], limits, event.occurredAt);
      const before = snapshot.scores[hit.score] ?? 0;
      snapshot.scores = applyHits(snapshot.scores, [{ score: hit.score, points: limited.points }], scored.scores);
      const applied = (snapshot.scores[hit.score] ?? 0) - before;
      const notes = [limited.note, applied !== limited.points ? `capped at ${snapshot.scores[hit.score]}` : undefined].filter(Boolean);
      ledger.push({
        entryId: `${eventId}:${hit.ruleId}`,
        sequence: snapshot.ledgerSize++,
        leadId: snapshot.leadId,
        eventId,
        eventType: event.type,
        ruleId: hit.ruleId,
        ruleName: hit.ruleName,
        score: hit.score,
        points: applied,
        reason: notes.length > 0 ? `${hit.reason} (${notes.join('; ')})` : hit.reason,
        modelVersion: scored.modelVersion,
        occurredAt: event.occurredAt,
      });
    }
    snapshot.total = totalScore(snapshot.scores);
    snapshot.grade = scored.grade ? gradeOf(snapshot.scores, scored.grade) : null;
    const handoff = await qualify(state, scored);
    if (handoff) handoffs.push(handoff);
  }
  snapshot.modelVersion = scored.modelVersion;
  return { ledger, handoffs };
}

/** Hands the lead to sales when a threshold (for its segment) or its grade says so. */
async function qualify(state: CarriedState, scored: ScoredBatch): Promise<Handoff | undefined> {
  const { snapshot } = state;
  const threshold = reachedThreshold(snapshot.stage, snapshot.scores, scored.thresholds, snapshot.segment ?? undefined);
  const byGrade = !threshold && scored.grade && gradeQualifies(snapshot.stage, snapshot.scores, scored.grade) ? scored.grade : undefined;
  const sourceId = threshold?.id ?? byGrade?.id;
  if (!sourceId) return undefined;

  const count = snapshot.handoff ? Number(snapshot.handoff.handoffId.split(':').pop()) + 1 : 1;
  const handoffId = `${snapshot.leadId}:${count}`;
  const { route, owner } = await routeLead({ modelVersion: scored.modelVersion, sourceId, attributes: snapshot.attributes, handoffId });
  const now = new Date();
  const handoff: Handoff = {
    handoffId,
    leadId: snapshot.leadId,
    queue: route?.queue ?? 'unrouted',
    team: route?.team ?? 'unassigned',
    ...(owner !== undefined && { owner }),
    ...(route && { routeId: route.id }),
    status: 'pending',
    createdAt: now.toISOString(),
    slaDueAt: new Date(now.getTime() + (route?.slaHours ?? 24) * HOUR_MS).toISOString(),
    score: snapshot.total,
    qualifiedBy: sourceId,
    ...(snapshot.grade && { grade: snapshot.grade }),
    modelVersion: scored.modelVersion,
  };
  snapshot.handoff = handoff;
  const why = threshold
    ? `score ${snapshot.total} reached threshold ${threshold.value} (${threshold.name})`
    : `grade ${snapshot.grade} is sales-ready`;
  moveTo(snapshot, 'mql', route ? `${why}; routed to ${route.name}` : `${why}; no route matched, left unrouted`);
  return { ...handoff };
}

function validateDecision(snapshot: LeadSnapshot, decision: SalesDecisionInput, queued: SalesDecisionInput[]): void {
  const handoff = snapshot.handoff;
  if (!handoff || handoff.handoffId !== decision.handoffId) {
    throw new Error(`handoff ${decision.handoffId} is not this lead's current handoff`);
  }
  if (handoff.status !== 'pending' || queued.some((q) => q.handoffId === decision.handoffId)) {
    throw new Error(`handoff ${decision.handoffId} was already answered`);
  }
  if (decision.decision === 'reject' && !decision.reason) throw new Error('a rejection needs a reason');
}

function applyDecision(snapshot: LeadSnapshot, decision: SalesDecisionInput): Handoff {
  const handoff = snapshot.handoff as Handoff;
  const stage = stageAfterDecision(
    snapshot.stage,
    decision.decision === 'accept' ? { decision: 'accept' } : { decision: 'reject', reason: decision.reason ?? 'other' },
  );
  handoff.status = decision.decision === 'accept' ? 'accepted' : 'rejected';
  handoff.decidedAt = new Date().toISOString();
  if (decision.reason) handoff.reason = decision.reason;
  if (decision.note) handoff.note = decision.note;
  const why = decision.decision === 'accept' ? 'accepted by sales' : `rejected by sales: ${decision.reason}`;
  moveTo(snapshot, stage, decision.note ? `${why} (${decision.note})` : why);
  return { ...handoff };
}

function moveTo(snapshot: LeadSnapshot, stage: Stage, reason: string): void {
  snapshot.stage = stage;
  snapshot.stageHistory.push({ stage, at: new Date().toISOString(), reason });
}

async function save(snapshot: LeadSnapshot, ledger: LedgerEntry[], handoffs: Handoff[]): Promise<void> {
  snapshot.revision += 1;
  await writeProjection({ snapshot: { ...snapshot }, ledger, handoffs });
}
