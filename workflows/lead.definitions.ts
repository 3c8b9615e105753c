/**
 * What the API and the worker share about a lead's workflow: its id, task queue, messages and
 * the read-side shapes it writes. Imports nothing that performs I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DecayState } from '../engine/decay';
import type { LeadMemory } from '../engine/lead-context';
import type { CompiledDecay, CompiledGrade, CompiledScore, CompiledThreshold, LeadEvent, RecyclePolicy, RejectReason } from '../engine/types';
import type { Rescored } from './rescore-state';
// Type-only: activities and definitions describe one another.
import type { Notification, ProjectionWrite } from './lead.activities';

export const TASK_QUEUE = 'leadflow-leads';

/** One workflow per lead: `lead:<leadId>`. */
export const leadWorkflowId = (leadId: string) => `lead:${leadId}`;

export type { LeadAttributes } from '../engine/lead-records';

// The read side's records live in engine/ so that the builder UI can type what the API serves
// with them; they are re-exported here, where the worker and the API have always found them.
import type { LeadSnapshot, LedgerEntry } from '../engine/lead-records';
export type { Handoff, HandoffStatus, LeadSnapshot, LedgerEntry, StageChange } from '../engine/lead-records';

export interface SalesDecisionInput {
  handoffId: string;
  /** accept → SAL; qualify → SQL; reject → nurture under the model's recycle policy. */
  decision: 'accept' | 'qualify' | 'reject';
  /** Required for a rejection. */
  reason?: RejectReason;
  note?: string;
}

export interface LeadWorkflowInput {
  leadId: string;
  /** State carried over by continue-as-new. */
  carried?: CarriedState;
}

/** The model policies a lead's workflow applies between events (timers, qualification, recycling). */
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

/** Everything a run hands to the next on continue-as-new. */
export interface CarriedState {
  snapshot: LeadSnapshot;
  seenEventIds: string[];
  memory: LeadMemory;
  /** Per rule, when it gave points (for its limits). */
  ruleUsage: Record<string, string[]>;
  /** The policies of the model version that last scored this lead. */
  policies?: LeadPolicies;
  decay: Record<string, DecayTrack>;
  /** A recycled lead cannot qualify again before this instant. */
  coolDownUntil?: string;
  /** Events accepted but not yet scored when the run continued as new. */
  pendingEvents: LeadEvent[];
  /** A rescoring asked for but not yet done when the run continued as new. */
  pendingRescore?: number;
  /** Notifications still being delivered when the run continued as new: sent again (same keys). */
  undelivered?: Notification[];
  /**
   * Ledger entries of a bulk rescoring, which that rescoring writes; sent again with the lead's
   * next own write (idempotent by entry id), so they are not lost if the bulk write was.
   */
  unsavedLedger?: LedgerEntry[];
}

export const leadEventSignal = defineSignal<[LeadEvent]>('leadEvent');
/** Recompute the lead's scores from its stored events under a model version. */
export const rescoreSignal = defineSignal<[{ modelVersion: number }]>('rescore');

/** One rescoring of every lead: `rescore:v<version>`. */
export const rescoreWorkflowId = (modelVersion: number) => `rescore:v${modelVersion}`;

/** Where one batch of a rescoring stands: `done` of its `leads` have passed `phase`. */
export interface RescoreBatchProgress {
  phase: 'reading' | 'replaying' | 'delivering' | 'writing';
  leads: number;
  done: number;
}

export interface RescoreProgress {
  modelVersion: number;
  /** Leads when the rescoring started. */
  total: number;
  /** Leads handled so far: rescored in bulk, left to rescore themselves, or without a workflow. */
  signalled: number;
  /** Leads whose workflow took the bulk result (and whose read side was written in bulk). */
  rescored?: number;
  /** Of the rescored, those written in bulk for their workflow to take at its next turn (without waking it). */
  awaitingTurn?: number;
  /** Leads that were busy or had new events: each replays its own events instead. */
  deferred?: number;
  /** Leads with a read side but no running workflow: nothing to rescore. */
  missing?: number;
  /** Stored events replayed. */
  events?: number;
  /** Time spent by the batches reading events, replaying, asking the leads and writing, in ms (batches run one after another). */
  millis?: { read: number; replay: number; deliver: number; write: number };
  /** The batch under way, from its activity's last heartbeat (added by readRescoreProgress). */
  batch?: RescoreBatchProgress;
  done: boolean;
}

/** Which events a rescoring was computed from (see eventDigest in rescore-state.ts). */
export interface EventDigest {
  count: number;
  hash: number;
}

/** A lead's rescoring, computed in bulk from its stored events. */
export interface RescoreDelivery {
  modelVersion: number;
  /** The stored events the result was computed from. */
  events: EventDigest;
  rescored: Rescored;
}

/**
 * A bulk rescoring written into a lead's read side (its revision `base` + 1) for its workflow to
 * take at the start of its next turn: the lead was idle, and the result changes nothing it must
 * act on at once. Stored without the model's policies, which come from the version.
 */
export interface StoredRescore {
  /** The read side's revision the result was computed from: taken only by a workflow at that revision. */
  base: number;
  /** The read side's ledger size after the rescoring's entries. */
  ledgerSize: number;
  modelVersion: number;
  events: EventDigest;
  scores: Rescored['scores'];
  ruleUsage: Rescored['ruleUsage'];
}

/** A stored rescoring as the workflow takes it. */
export interface BulkRescore {
  base: number;
  ledgerSize: number;
  delivery: RescoreDelivery;
}

/**
 * The lead's answer: it took the result (and hands back the read-side write it would have made),
 * or it will replay its own events (it was busy, or its events differ from those the result used).
 */
export type RescoreReply = { status: 'applied'; write: ProjectionWrite } | { status: 'deferred'; reason: string };

/** Hands a lead its bulk-computed rescoring; answered in the same workflow task. */
export const rescoreResultUpdate = defineUpdate<RescoreReply, [RescoreDelivery]>('rescoreResult');
export const rescoreProgressQuery = defineQuery<RescoreProgress>('rescoreProgress');
export const leadStateQuery = defineQuery<LeadSnapshot>('leadState');
export const salesDecisionUpdate = defineUpdate<LeadSnapshot, [SalesDecisionInput]>('salesDecision');
