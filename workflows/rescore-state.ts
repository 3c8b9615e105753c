/**
 * How a lead takes a rescoring (its events replayed under another model version): the rule its
 * workflow applies, the same rule computed from the read side alone for a bulk rescoring, and the
 * digest that ties a stored result to the events it was computed from. Deterministic, like
 * lead-state.ts, whose ledger and totals helpers it shares.
 */
import { restartDecay } from '../engine/decay';
import type { CarriedState, EventDigest, LeadSnapshot, LedgerEntry, Rescored } from './lead.definitions';
import { initialState, ledgerEntry, qualification, refreshTotals } from './lead-state';

// Declared with the workflow's definitions (a message the workflow and its activities share).
export type { Rescored } from './lead.definitions';

/**
 * Replaces the lead's scores with those its events earn under another model version, and
 * records each change in the ledger. Decay resumes from the lead's last activity under the new
 * version's policies; the stage is not moved back (a lead may qualify by it, never unqualify).
 */
export function applyRescore(state: CarriedState, rescored: Rescored, now: string): LedgerEntry[] {
  const before = state.snapshot.scores;
  state.policies = rescored.policies;
  state.ruleUsage = rescored.ruleUsage;
  state.snapshot.scores = { ...rescored.scores };
  state.snapshot.modelVersion = rescored.policies.modelVersion;
  const version = rescored.policies.modelVersion;
  const ids = [...new Set([...Object.keys(before), ...Object.keys(rescored.scores)])].sort();
  const ledger = ids
    .filter((id) => (rescored.scores[id] ?? 0) !== (before[id] ?? 0))
    .map((id) =>
      ledgerEntry(
        state,
        { eventId: `rescore:v${version}`, eventType: 'rescore', ruleId: 'rescore', ruleName: `Rescored under version ${version}`, score: id, points: (rescored.scores[id] ?? 0) - (before[id] ?? 0), occurredAt: now, entrySuffix: id },
        `rescored under version ${version}: ${id} ${before[id] ?? 0} → ${rescored.scores[id] ?? 0}`,
      ),
    );
  for (const policy of rescored.policies.decay) {
    if (!state.decay[policy.id]) state.decay[policy.id] = { ...restartDecay(state.memory.lastActivityAt ?? now), nextAt: null };
  }
  refreshTotals(state);
  return ledger;
}

/** What a bulk rescoring reads of a lead's read side. */
export type RescoreView = Pick<LeadSnapshot, 'leadId' | 'revision' | 'eventCount' | 'stage' | 'scores' | 'total' | 'grade' | 'segment' | 'modelVersion' | 'ledgerSize' | 'lastActivityAt'> & {
  /** A turn of the lead's workflow is under way. */
  busy?: boolean;
};

/** The read-side fields a rescoring changes. */
export type RescoredChange = Pick<LeadSnapshot, 'scores' | 'total' | 'grade' | 'modelVersion' | 'ledgerSize'>;

/**
 * What taking `rescored` would do to a lead's read side, computed from the read side alone with
 * the same rule as the workflow's (applyRescore): the changed fields, the ledger entries (the
 * workflow makes the same ones, with the same ids, when it takes the result), and whether the
 * lead would then qualify (a handoff is the workflow's to open, so such a lead is woken at once).
 */
export function rescoredReadSide(view: RescoreView, rescored: Rescored, now: string): { change: RescoredChange; ledger: LedgerEntry[]; qualifies: boolean } {
  const state = initialState(view.leadId, now);
  const { scores, total, grade, segment, modelVersion, ledgerSize, stage } = view;
  state.snapshot = { ...state.snapshot, scores: { ...scores }, total, grade, segment, modelVersion, ledgerSize, stage };
  state.memory = { ...state.memory, lastActivityAt: view.lastActivityAt };
  const ledger = applyRescore(state, rescored, now);
  const after = state.snapshot;
  return {
    change: { scores: after.scores, total: after.total, grade: after.grade, modelVersion: after.modelVersion, ledgerSize: after.ledgerSize },
    ledger,
    qualifies: qualification(state, now) !== undefined,
  };
}

/**
 * Which events a rescoring was computed from: how many, and an order-independent hash of their
 * ids (a sum of FNV-1a hashes). A lead's workflow takes a bulk rescoring only when the events it
 * has applied give the same digest, so an event that arrived meanwhile is never lost or counted twice.
 */
export function eventDigest(eventIds: Iterable<string>): EventDigest {
  let count = 0;
  let hash = 0;
  for (const id of eventIds) {
    count += 1;
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    hash = (hash + (h >>> 0)) >>> 0;
  }
  return { count, hash };
}

export function sameDigest(a: EventDigest, b: EventDigest): boolean {
  return a.count === b.count && a.hash === b.hash;
}
