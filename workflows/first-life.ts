/**
 * A lead's first life, taken in one go: what its workflow's first turn would write had all these
 * inputs come in one batch, computed outside a workflow so that a history import (or a batch of
 * new leads) stores thousands of leads in bulk and starts each workflow with its state, instead
 * of a workflow task and an activity per lead and batch. Deterministic and free of I/O (the
 * owner of a round-robin handoff is asked of `ownerFor`), so the lead's workflow and this agree:
 * both are the lifecycle core's `turn` and `withOwner`.
 */
import { recordStageChanges } from '../engine/lead-records';
import { emptyLifecycle, turn, withOwner, type LeadInput, type LifecycleModel } from '../engine/lifecycle/lifecycle';
import type { CarriedLead, Handoff, LeadSnapshot, LedgerEntry, Notification } from './lead.definitions';

/** A lead as its workflow holds and writes it after its first turn. */
export interface FirstLife {
  /** The inputs it applied, in order: its stored input log. */
  log: LeadInput[];
  /** The read side, written once (revision 1), with the whole input log's length. */
  snapshot: LeadSnapshot;
  ledger: LedgerEntry[];
  handoffs: Handoff[];
  /** The state its workflow starts with (as after a continue-as-new). */
  carried: CarriedLead;
  /** What webhooks announce of it (its stage changes and handoffs), as its workflow would. */
  notifications: Notification[];
}

/**
 * The first turn of lead `leadId` over `inputs` at `now` under `model`: the core's `turn` from an
 * empty lifecycle, and for a round-robin handoff its owner (`ownerFor`), as lead.workflow.ts
 * takes them.
 *
 * @param ownerFor the route's running count (the shell's I/O); undefined leaves the handoff unassigned
 */
export async function firstLife(
  model: LifecycleModel,
  leadId: string,
  inputs: readonly LeadInput[],
  now: string,
  ownerFor: (request: { handoffId: string; routeId: string; at: string }) => Promise<string | undefined>,
): Promise<FirstLife> {
  const empty = emptyLifecycle(leadId);
  const result = await withOwner(await turn(empty, inputs, now, model), now, model, ownerFor);
  const { lifecycle } = result;
  // As the workflow writes it: each stage change recorded now, in the carried state too.
  lifecycle.settled.snapshot.stageHistory = recordStageChanges([], lifecycle.settled.snapshot.stageHistory, now);
  const logged = result.applied.length;
  const snapshot: LeadSnapshot = { ...structuredClone(lifecycle.settled.snapshot), revision: 1, inputCount: logged };
  return {
    log: result.applied,
    snapshot,
    ledger: result.ledger,
    handoffs: result.handoffs,
    carried: { lifecycle, pending: [], revision: 1, logged },
    notifications: announce(empty.settled.snapshot, snapshot, result.handoffs),
  };
}

/** What a write changed that webhooks announce: stage changes, and each handoff's news. */
export function announce(before: LeadSnapshot, after: LeadSnapshot, handoffs: readonly Handoff[]): Notification[] {
  const lead = { leadId: after.leadId, stage: after.stage, total: after.total, grade: after.grade };
  const notifications: Notification[] = [];
  const previous = before.handoff;
  for (const handoff of handoffs) {
    const was = previous?.handoffId === handoff.handoffId ? previous : undefined;
    const closed: Notification['type'] = handoff.status === 'expired' ? 'handoff.expired' : handoff.status === 'withdrawn' ? 'handoff.withdrawn' : 'handoff.answered';
    const news: Array<Notification['type']> = [];
    if (!was) news.push('handoff.created');
    if (was && was.escalations !== handoff.escalations) news.push('handoff.escalated');
    // Closed, or answered again (accepted, then qualified): each decision is news of its own.
    if (handoff.status !== 'pending' && (was?.status !== handoff.status || was.decidedAt !== handoff.decidedAt)) news.push(closed);
    for (const type of news) notifications.push({ type, handoff: { ...handoff }, key: `${handoff.handoffId}:${type}:${handoff.escalations}${type === closed ? `:${handoff.decidedAt}` : ''}`, lead });
  }
  after.stageHistory.slice(Math.min(before.stageHistory.length, after.stageHistory.length)).forEach((change, i) => {
    const index = Math.min(before.stageHistory.length, after.stageHistory.length) + i;
    notifications.push({ type: 'stage.changed', handoff: after.handoff ? { ...after.handoff } : null, stage: { ...change }, key: `${after.leadId}:stage:${index}`, lead });
  });
  return notifications;
}

