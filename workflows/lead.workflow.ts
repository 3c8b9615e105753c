/**
 * One lead's life as a durable workflow: events in, points applied, thresholds crossed,
 * a handoff to sales, and sales' answer. Deterministic: all I/O is in activities.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { applyHits, reachedThreshold, stageAfterDecision, totalScore } from '../engine/score-state';
import type { LeadEvent, Stage } from '../engine/types';
import type { LeadActivities } from './lead.activities';
import {
  leadEventSignal,
  leadStateQuery,
  salesDecisionUpdate,
  type Handoff,
  type LeadSnapshot,
  type LeadWorkflowInput,
  type LedgerEntry,
  type SalesDecisionInput,
} from './lead.definitions';

const { scoreEvents, writeProjection } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});

/** Events scored by one activity call; bounds the activity's payload. */
const MAX_BATCH = 200;

export async function leadWorkflow(input: LeadWorkflowInput): Promise<void> {
  const snapshot: LeadSnapshot = input.carried?.snapshot ?? newLead(input.leadId);
  const seenEventIds = new Set(input.carried?.seenEventIds ?? []);
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
      const { ledger, handoff } = await scoreBatch(snapshot, batch);
      await save(snapshot, ledger, handoff ? [handoff] : []);
    }
    if (workflowInfo().continueAsNewSuggested && pendingEvents.length === 0 && pendingDecisions.length === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof leadWorkflow>({
        leadId: snapshot.leadId,
        carried: { snapshot, seenEventIds: [...seenEventIds] },
      });
    }
  }
}

function newLead(leadId: string): LeadSnapshot {
  return {
    leadId,
    stage: 'lead',
    scores: {},
    total: 0,
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

/** Scores a batch, applies its points, and hands the lead off if it crossed a threshold. */
async function scoreBatch(snapshot: LeadSnapshot, batch: LeadEvent[]): Promise<{ ledger: LedgerEntry[]; handoff?: Handoff }> {
  // Each event is scored with the attributes the lead had when it happened.
  const withAttributes = batch.map((event) => {
    snapshot.attributes = { ...snapshot.attributes, ...event.attributes };
    return { ...event, attributes: { ...snapshot.attributes } };
  });
  const scored = await scoreEvents(withAttributes);
  const ledger: LedgerEntry[] = [];
  let handoff: Handoff | undefined;
  scored.results.forEach(({ eventId, hits }, index) => {
    const event = batch[index] as LeadEvent;
    snapshot.scores = applyHits(snapshot.scores, hits);
    snapshot.total = totalScore(snapshot.scores);
    snapshot.eventCount += 1;
    if (!snapshot.lastActivityAt || event.occurredAt > snapshot.lastActivityAt) snapshot.lastActivityAt = event.occurredAt;
    for (const hit of hits) {
      ledger.push({
        entryId: `${eventId}:${hit.ruleId}`,
        sequence: snapshot.ledgerSize++,
        leadId: snapshot.leadId,
        eventId,
        eventType: event.type,
        ruleId: hit.ruleId,
        ruleName: hit.ruleName,
        score: hit.score,
        points: hit.points,
        modelVersion: scored.modelVersion,
        occurredAt: event.occurredAt,
      });
    }
    const threshold = reachedThreshold(snapshot.stage, snapshot.scores, scored.thresholds);
    if (threshold) {
      const count = snapshot.handoff ? Number(snapshot.handoff.handoffId.split(':').pop()) + 1 : 1;
      handoff = {
        handoffId: `${snapshot.leadId}:${count}`,
        leadId: snapshot.leadId,
        queue: threshold.route.queue,
        status: 'pending',
        createdAt: new Date().toISOString(),
        score: snapshot.total,
        thresholdId: threshold.id,
        modelVersion: scored.modelVersion,
      };
      snapshot.handoff = handoff;
      moveTo(snapshot, threshold.stage, `score ${snapshot.total} reached threshold ${threshold.value} (${threshold.id})`);
    }
  });
  snapshot.modelVersion = scored.modelVersion;
  return { ledger, handoff };
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
