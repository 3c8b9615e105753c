/**
 * What the API and the worker share about a lead's workflow: its id, task queue, messages and
 * the read-side shapes it writes. Imports nothing that performs I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DecayState } from '../engine/decay';
import type { LeadMemory } from '../engine/lead-context';
import type {
  CompiledDecay,
  CompiledGrade,
  CompiledRoute,
  CompiledScore,
  CompiledThreshold,
  LeadEvent,
  PointsLimits,
  PredictedScore,
  RecyclePolicy,
  RejectReason,
  RuleHit,
} from '../engine/types';

export const TASK_QUEUE = 'leadflow-leads';

/** One workflow per lead: `lead:<leadId>`. */
export const leadWorkflowId = (leadId: string) => `lead:${leadId}`;

export type { LeadAttributes } from '../engine/lead-records';

// The read side's records live in engine/ so that the builder UI can type what the API serves
// with them; they are re-exported here, where the worker and the API have always found them.
import type { Handoff, LeadSnapshot, LedgerEntry } from '../engine/lead-records';
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

export interface ProjectionWrite {
  snapshot: LeadSnapshot;
  ledger: LedgerEntry[];
  handoffs: Handoff[];
  /** The events applied since the last write, numbered from `from` (the lead's packed history). */
  applied?: { from: number; events: LeadEvent[] };
  /**
   * The workflow's turn goes on after this write: the read side stays marked busy (see
   * beginTurn), so a bulk rescoring cannot store a result under a turn still applying changes.
   */
  busy?: true;
}

/** A change of a handoff that outside systems may want to hear of (webhooks). */
export interface Notification {
  type: 'handoff.created' | 'handoff.escalated' | 'handoff.expired' | 'handoff.withdrawn' | 'handoff.answered' | 'stage.changed';
  /** The lead's handoff (for stage changes, the current one, if any). */
  handoff: Handoff | null;
  /** For stage.changed: the new stage, when and why. */
  stage?: { stage: string; at: string; reason: string };
  /** Stable per change: a receiver that sees it twice can ignore the second. */
  key: string;
  lead?: { leadId: string; stage: string; total: number; grade: string | null };
}

/** The model's policies the workflow applies itself, and the limits of the rules that fired. */
export interface ScoredBatch extends LeadPolicies {
  limits: Record<string, PointsLimits>;
  results: Array<{ eventId: string; hits: RuleHit[]; segment?: string; predicted?: PredictedScore[] }>;
}

export interface RoutedLead {
  route: Pick<CompiledRoute, 'id' | 'name' | 'team' | 'queue' | 'slaHours' | 'escalateTo' | 'maxEscalations'> | null;
  owner?: string;
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

/** The result of replaying a lead's events under a model version (the rescoreLead activity). */
export interface Rescored {
  scores: Record<string, number>;
  ruleUsage: Record<string, string[]>;
  policies: LeadPolicies;
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
