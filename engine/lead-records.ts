/**
 * The records of a lead's read side, as the worker writes them and the API serves them (less the
 * database's `_id`): the lead, its handoffs, its stage history and its score ledger. Types only,
 * shared by the server and the builder UI (which may import engine/ but not workflows/ or api/).
 */
import type { Scores } from './score-state';
import type { LeadEvent, RejectReason, Stage } from './types';

export type LeadAttributes = NonNullable<LeadEvent['attributes']>;

/**
 * pending → accepted | rejected by sales; expired when nobody answered after the last
 * escalation; withdrawn when the lead's score decayed below the threshold before an answer.
 */
export type HandoffStatus = 'pending' | 'accepted' | 'rejected' | 'expired' | 'withdrawn';

export interface StageChange {
  stage: Stage;
  /** When the lead crossed: the event, or the deadline, that moved it. */
  at: string;
  reason: string;
  /** When LeadFlow recorded the change (a backfilled event records a crossing long after it). */
  recordedAt?: string;
}

export interface Handoff {
  /** `<leadId>:<n>`, the n-th handoff of this lead. */
  handoffId: string;
  leadId: string;
  queue: string;
  /** The sales team, and the owner inside it when the route assigns one. */
  team: string;
  owner?: string;
  /** The route node that chose the queue; absent when no route matched (queue "unrouted"). */
  routeId?: string;
  status: HandoffStatus;
  createdAt: string;
  /** When sales should have answered (the route's SLA), and what happens if nobody does. */
  slaDueAt: string;
  slaHours: number;
  escalateTo?: string;
  maxEscalations: number;
  escalations: number;
  /** The lead's total score when it was handed off, what qualified it, and the model version. */
  score: number;
  qualifiedBy: string;
  grade?: string;
  modelVersion: number;
  /** The lead's ledger size when it qualified: the entries before it are why it was handed off. */
  qualifiedAtSequence?: number;
  decidedAt?: string;
  reason?: RejectReason;
  note?: string;
}

/** The read side of a lead, as the API serves it. */
export interface LeadSnapshot {
  leadId: string;
  stage: Stage;
  scores: Scores;
  total: number;
  /** A1…D4 when the model has a grade matrix. */
  grade: string | null;
  /** The first of the model's segments the lead is in. */
  segment: string | null;
  modelVersion: number | null;
  attributes: LeadAttributes;
  lastActivityAt: string | null;
  eventCount: number;
  /** Ledger entries written so far; the next entry's sequence number. */
  ledgerSize: number;
  handoff: Handoff | null;
  stageHistory: StageChange[];
  /** Grows with every write, so that a retried or late write never overwrites a newer one. */
  revision: number;
  /** Inputs (events, sales answers, owners) in the lead's stored input log, as of this write. */
  inputCount?: number;
}

/** One rule's points for one event: why a score is what it is. */
export interface LedgerEntry {
  /** `<leadId>/<eventId>:<ruleId>`: the same event and rule are recorded once, whatever retries happen. */
  entryId: string;
  /** Order within the lead's ledger: the order in which points were applied. */
  sequence: number;
  leadId: string;
  eventId: string;
  eventType: string;
  ruleId: string;
  ruleName: string;
  score: string;
  /** The points applied, after limits and caps. */
  points: number;
  /** Why, in words, including any limit or cap that changed the rule's points. */
  reason: string;
  modelVersion: number;
  occurredAt: string;
}

/**
 * A stage history as written: each change keeps when it was first recorded (`written`, the
 * history as last written); a new change, or one a late input changed, is recorded `at`.
 */
export function recordStageChanges(written: readonly StageChange[], history: readonly StageChange[], at: string): StageChange[] {
  return history.map((change, i) => {
    const before = written[i];
    const same = before !== undefined && before.stage === change.stage && before.at === change.at && before.reason === change.reason;
    return { ...change, recordedAt: same && before.recordedAt ? before.recordedAt : at };
  });
}
