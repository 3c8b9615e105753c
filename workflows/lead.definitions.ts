/**
 * What the API and the worker share about a lead's workflow: its id, task queue, messages and
 * the read-side shapes it writes. Imports nothing that performs I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Scores } from '../engine/score-state';
import type { LeadEvent, RejectReason, Stage } from '../engine/types';

export const TASK_QUEUE = 'leadflow-leads';

/** One workflow per lead: `lead:<leadId>`. */
export const leadWorkflowId = (leadId: string) => `lead:${leadId}`;

export type LeadAttributes = NonNullable<LeadEvent['attributes']>;

export interface StageChange {
  stage: Stage;
  at: string;
  reason: string;
}

export interface Handoff {
  /** `<leadId>:<n>`, the n-th handoff of this lead. */
  handoffId: string;
  leadId: string;
  queue: string;
  status: 'pending' | 'accepted' | 'rejected';
  createdAt: string;
  /** The lead's total score when it was handed off, and the rule set that produced it. */
  score: number;
  thresholdId: string;
  modelVersion: number;
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
}

/** One rule's points for one event: why a score is what it is. */
export interface LedgerEntry {
  /** `<eventId>:<ruleId>`: the same event and rule are recorded once, whatever retries happen. */
  entryId: string;
  /** Order within the lead's ledger: the order in which points were applied. */
  sequence: number;
  leadId: string;
  eventId: string;
  eventType: string;
  ruleId: string;
  ruleName: string;
  score: string;
  points: number;
  modelVersion: number;
  occurredAt: string;
}

export interface SalesDecisionInput {
  handoffId: string;
  decision: 'accept' | 'reject';
  /** Required for a rejection. */
  reason?: RejectReason;
  note?: string;
}

export interface LeadWorkflowInput {
  leadId: string;
  /** State carried over by continue-as-new. */
  carried?: { snapshot: LeadSnapshot; seenEventIds: string[] };
}

export const leadEventSignal = defineSignal<[LeadEvent]>('leadEvent');
export const leadStateQuery = defineQuery<LeadSnapshot>('leadState');
export const salesDecisionUpdate = defineUpdate<LeadSnapshot, [SalesDecisionInput]>('salesDecision');
