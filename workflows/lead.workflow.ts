/**
 * One lead's life as a durable workflow. Handlers only enqueue; the loop drains events in
 * batches (one scoring activity and one read-side write per batch), sleeps on a durable timer
 * until the next decay step, SLA or end of a cool-down, and hands the lead to sales when it
 * qualifies. Every state change is a pure function of lead-state.ts (or rescore-state.ts).
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { LeadEvent } from '../engine/types';
import type { LeadActivities, Notification } from './lead.activities';
import {
  leadEventSignal,
  leadStateQuery,
  rescoreResultUpdate,
  rescoreSignal,
  salesDecisionUpdate,
  type BulkRescore,
  type CarriedState,
  type RescoreDelivery,
  type RescoreReply,
  type Handoff,
  type LeadWorkflowInput,
  type LedgerEntry,
  type SalesDecisionInput,
} from './lead.definitions';
import {
  applyDecay,
  applyDecision,
  applyEvent,
  applySla,
  initialState,
  nextDeadline,
  nextHandoffId,
  openHandoff,
  policiesOf,
  qualification,
  validateDecision,
} from './lead-state';
import { applyRescore, eventDigest, sameDigest } from './rescore-state';

const { scoreEvents, routeLead, writeProjection, rescoreLead } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});
// In the worker, no round trip through the server: it runs at the start of every turn.
const { beginTurn, endTurn } = proxyLocalActivities<LeadActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '30 seconds' },
});
// A webhook receiver that stays down must not hold the lead up: a bounded number of tries.
const { notify } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '15 seconds',
  retry: { maximumAttempts: 8, maximumInterval: '5 minutes' },
});

/** Events scored by one activity call; bounds the activity's payload. */
const MAX_BATCH = 200;
/**
 * A run continues as new after this many events even before Temporal suggests it. A signal that
 * arrives while a continue-as-new completes makes the server retry that task (temporal#1289), so
 * under a burst the switch can take a while; this keeps the run far from the server's limit of
 * 10,000 signals per run.
 */
const EVENTS_PER_RUN = 3_000;
/** Runs started before bulk rescorings were stored in the read side did not begin their turns so. */
const TAKE_STORED_RESCORE = 'take-stored-rescore';
/** Runs started before a turn kept its busy mark to its end wrote mid-turn without it, and left it on a turn that wrote nothing. */
const BUSY_UNTIL_TURN_ENDS = 'busy-until-turn-ends';

export async function leadWorkflow(input: LeadWorkflowInput): Promise<void> {
  const state: CarriedState = input.carried ?? initialState(input.leadId, now());
  const seenEventIds = new Set(state.seenEventIds);
  const pendingEvents: LeadEvent[] = state.pendingEvents;
  // Each answer waits for its own turn: one handoff can be answered twice (accept, then qualify).
  const pendingDecisions: Array<SalesDecisionInput & { turn: number }> = [];
  let turns = 0;
  let answeredTurns = 0;

  let eventsThisRun = 0;
  setHandler(leadEventSignal, (event) => {
    eventsThisRun += 1;
    // A duplicate event id has no effect, within this run and across continue-as-new.
    if (seenEventIds.has(event.eventId)) return;
    seenEventIds.add(event.eventId);
    pendingEvents.push(event);
  });

  setHandler(leadStateQuery, () => state.snapshot);

  // A later request for a rescoring supersedes one not yet done.
  setHandler(rescoreSignal, ({ modelVersion }) => void (state.pendingRescore = modelVersion));

  // A bulk rescoring's result waits for the top of the loop's next turn, which answers it before
  // any activity runs: the update completes in the workflow task that delivered it.
  const pendingResults: Array<{ delivery: RescoreDelivery; turn: number }> = [];
  const resultReplies = new Map<number, RescoreReply>();
  let resultTurns = 0;
  setHandler(rescoreResultUpdate, async (delivery) => {
    const turn = ++resultTurns;
    pendingResults.push({ delivery, turn });
    await condition(() => resultReplies.has(turn));
    const reply = resultReplies.get(turn) as RescoreReply;
    resultReplies.delete(turn);
    return reply;
  });
  /**
   * Takes a bulk rescoring only if it was computed from exactly the events this lead has applied;
   * otherwise the lead replays its own stored events (the rescore signal's path) once its queue
   * is empty, so an event that arrived meanwhile is neither lost nor counted twice.
   */
  const takeResult = (delivery: RescoreDelivery): RescoreReply => {
    const queued = new Set(pendingEvents.map((event) => event.eventId));
    const applied = eventDigest([...seenEventIds].filter((id) => !queued.has(id)));
    if (!sameDigest(applied, delivery.events)) {
      state.pendingRescore = delivery.modelVersion;
      return { status: 'deferred', reason: `the lead has applied ${applied.count} events, the result was computed from ${delivery.events.count}` };
    }
    const ledger = applyRescore(state, delivery.rescored, now());
    // The rescoring writes this revision in bulk; the lead's own next write supersedes it.
    state.snapshot.revision += 1;
    state.unsavedLedger = [...(state.unsavedLedger ?? []), ...ledger];
    return { status: 'applied', write: { snapshot: { ...state.snapshot }, ledger: [...state.unsavedLedger], handoffs: [] } };
  };
  /**
   * A bulk rescoring stored in the lead's read side (it was idle, and the result needs no action
   * at once) is taken at the start of the lead's next turn, before anything else: its read side
   * shows the result from the moment it was stored, and this makes the workflow agree before it
   * acts or writes. The turn then writes, which clears the stored result and the busy mark.
   */
  const takeStored = (stored: BulkRescore, changes: Changes) => {
    if (takeResult(stored.delivery).status === 'deferred') {
      // Computed from other events than this lead applied: not expected, since a turn marks the
      // lead busy before it applies anything and a busy lead is never written in bulk. Go past
      // the stored result (revision and ledger) and replay the lead's own events.
      state.snapshot.revision = stored.base + 1;
      state.snapshot.ledgerSize = Math.max(state.snapshot.ledgerSize, stored.ledgerSize);
    }
    changes.touch();
  };

  setHandler(
    salesDecisionUpdate,
    async (decision) => {
      const turn = ++turns;
      pendingDecisions.push({ ...decision, turn });
      await condition(() => answeredTurns >= turn);
      return state.snapshot;
    },
    { validator: (decision) => validateDecision(state, decision, pendingDecisions) },
  );

  const timeToContinue = () => workflowInfo().continueAsNewSuggested || eventsThisRun >= EVENTS_PER_RUN;
  // Notifications on their way: the loop never waits for slow receivers; those still on their
  // way at continue-as-new are sent again by the next run (receivers drop repeats by key).
  const delivering = new Map<string, Notification>();
  const deliver = (notification: Notification) => {
    delivering.set(notification.key, notification);
    void notify(notification)
      .catch(ignoreActivityFailure)
      .finally(() => delivering.delete(notification.key));
  };
  for (const notification of state.undelivered ?? []) deliver(notification);
  state.undelivered = undefined;

  for (;;) {
    const deadline = nextDeadline(state, now());
    const waitMs = deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
    if (waitMs === undefined || waitMs > 0) {
      await condition(() => pendingEvents.length > 0 || pendingDecisions.length > 0 || pendingResults.length > 0 || state.pendingRescore !== undefined || timeToContinue(), waitMs);
    }
    const changes = new Changes(state, deliver);

    let bulkWrites = false;
    for (const { delivery, turn } of pendingResults.splice(0)) {
      const reply = takeResult(delivery);
      resultReplies.set(turn, reply);
      bulkWrites ||= reply.status === 'applied';
    }
    const turnMarked = patched(TAKE_STORED_RESCORE);
    if (turnMarked) {
      const stored = await beginTurn({ leadId: state.snapshot.leadId, revision: state.snapshot.revision });
      if (stored) takeStored(stored, changes);
    }

    if (pendingDecisions.length > 0) {
      const decisions = pendingDecisions.splice(0);
      for (const { turn: _turn, ...decision } of decisions) {
        const { handoff, ledger } = applyDecision(state, decision, now());
        changes.add(ledger, handoff, 'handoff.answered');
      }
      await changes.save(state, patched(BUSY_UNTIL_TURN_ENDS));
      answeredTurns = Math.max(answeredTurns, ...decisions.map((decision) => decision.turn));
    }

    if (pendingEvents.length > 0) await scoreBatch(state, pendingEvents.splice(0, MAX_BATCH), changes);

    if (state.pendingRescore !== undefined && pendingEvents.length === 0) {
      const modelVersion = state.pendingRescore;
      // Only the events this lead has applied: one stored but not yet delivered is scored when it arrives.
      const eventIds = patched('rescore-applied-events-only') ? [...seenEventIds] : undefined;
      const rescored = await rescoreLead({ leadId: state.snapshot.leadId, modelVersion, ...(eventIds && { eventIds }) });
      // Only the newest request counts; one that came in meanwhile runs next turn.
      if (state.pendingRescore === modelVersion) state.pendingRescore = undefined;
      changes.touch();
      changes.add(applyRescore(state, rescored, now()));
    }

    const decayed = applyDecay(state, now());
    changes.add(decayed.ledger, decayed.handoff, 'handoff.withdrawn');
    const sla = applySla(state, now());
    if (sla) changes.add([], sla, sla.status === 'expired' ? 'handoff.expired' : 'handoff.escalated');
    await qualify(state, changes);
    const wrote = await changes.save(state);
    // A turn that wrote nothing (say, a timer that changed nothing) ends its busy mark itself;
    // otherwise this lead would get its next bulk rescoring by update. A result the bulk writes
    // for this turn clears the mark with that write.
    if (turnMarked && !wrote && !bulkWrites && patched(BUSY_UNTIL_TURN_ENDS)) await endTurn({ leadId: state.snapshot.leadId, revision: state.snapshot.revision });

    if (timeToContinue() && pendingDecisions.length === 0) {
      await condition(allHandlersFinished);
      // Accepted but unscored events travel with the state; none is lost or counted twice.
      await continueAsNew<typeof leadWorkflow>({
        leadId: state.snapshot.leadId,
        carried: { ...state, seenEventIds: [...seenEventIds], pendingEvents: [...pendingEvents], ...(delivering.size > 0 && { undelivered: [...delivering.values()] }) },
      });
    }
  }
}

/** Scores a batch, applies it event by event, and hands the lead off when it qualifies. */
async function scoreBatch(state: CarriedState, batch: LeadEvent[], changes: Changes): Promise<void> {
  const scored = await scoreEvents({ events: batch, memory: state.memory });
  state.policies = policiesOf(scored);
  for (const [index, result] of scored.results.entries()) {
    const handoffBefore = state.snapshot.handoff?.status;
    changes.applied(batch[index] as LeadEvent, state.snapshot.eventCount);
    changes.add(applyEvent(state, batch[index] as LeadEvent, { ...result, limits: scored.limits }, now()));
    if (handoffBefore === 'pending' && state.snapshot.handoff?.status === 'withdrawn') changes.add([], state.snapshot.handoff, 'handoff.withdrawn');
    await qualify(state, changes);
  }
}

async function qualify(state: CarriedState, changes: Changes): Promise<void> {
  const source = qualification(state, now());
  if (!source || !state.policies) return;
  const handoffId = nextHandoffId(state.snapshot);
  const routed = await routeLead({ modelVersion: state.policies.modelVersion, sourceId: source.sourceId, attributes: state.snapshot.attributes, handoffId });
  changes.add([], openHandoff(state, source, handoffId, routed, now()), 'handoff.created');
}

/** What one turn of the loop changed: written in one projection write, then announced. */
class Changes {
  private ledger: LedgerEntry[] = [];
  private handoffs = new Map<string, Handoff>();
  private notifications: Notification[] = [];
  private touched = false;
  private appliedEvents?: { from: number; events: LeadEvent[] };
  /** Stage changes before this turn: the ones after it are announced. */
  private stagesAnnounced: number;

  constructor(
    state: CarriedState,
    private readonly deliver: (notification: Notification) => void,
  ) {
    this.stagesAnnounced = state.snapshot.stageHistory.length;
  }

  /** The snapshot changed (an event was applied) even if no ledger entry came of it. */
  touch(): void {
    this.touched = true;
  }

  /** An event was applied as the lead's event number `from` (for its packed history). */
  applied(event: LeadEvent, from: number): void {
    this.touched = true;
    if (!this.appliedEvents) this.appliedEvents = { from, events: [] };
    this.appliedEvents.events.push(event);
  }

  add(ledger: LedgerEntry[], handoff?: Handoff | null, type?: Notification['type']): void {
    if (ledger.length > 0 || handoff) this.touched = true;
    this.ledger.push(...ledger);
    if (handoff) {
      this.handoffs.set(handoff.handoffId, { ...handoff });
      if (type) this.notifications.push({ type, handoff: { ...handoff }, key: `${handoff.handoffId}:${type}:${handoff.escalations}` });
    }
  }

  /** Writes the turn's changes, if any (`turnGoesOn`: keep the read side's busy mark); true if it wrote. */
  async save(state: CarriedState, turnGoesOn = false): Promise<boolean> {
    if (!this.touched) return false;
    state.snapshot.revision += 1;
    // A bulk rescoring's entries go again with this write, in case its own write was lost.
    const ledger = state.unsavedLedger ? [...state.unsavedLedger, ...this.ledger] : this.ledger;
    await writeProjection({
      snapshot: { ...state.snapshot },
      ledger,
      handoffs: [...this.handoffs.values()],
      ...(this.appliedEvents && { applied: this.appliedEvents }),
      ...(turnGoesOn && { busy: true as const }),
    });
    if (state.unsavedLedger) delete state.unsavedLedger;
    const lead = { leadId: state.snapshot.leadId, stage: state.snapshot.stage, total: state.snapshot.total, grade: state.snapshot.grade };
    // Runs started before this change waited for every receiver, and announced handoffs only.
    if (patched('notify-in-background-with-stage-changes')) {
      const { stageHistory, handoff } = state.snapshot;
      stageHistory.slice(this.stagesAnnounced).forEach((change, i) => {
        const index = this.stagesAnnounced + i;
        this.notifications.push({ type: 'stage.changed', handoff: handoff ? { ...handoff } : null, stage: { ...change }, key: `${lead.leadId}:stage:${index}` });
      });
      this.stagesAnnounced = stageHistory.length;
      for (const notification of this.notifications) this.deliver({ ...notification, lead });
    } else {
      for (const notification of this.notifications) await notify({ ...notification, lead }).catch(ignoreActivityFailure);
    }
    this.ledger = [];
    this.handoffs.clear();
    this.notifications = [];
    this.appliedEvents = undefined;
    this.touched = false;
    return true;
  }
}

/** The read side already has the change; a receiver that never answers only misses the ping. */
function ignoreActivityFailure(err: unknown): void {
  if (!(err instanceof ActivityFailure)) throw err;
}

function now(): string {
  return new Date(Date.now()).toISOString();
}
