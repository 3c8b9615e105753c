/**
 * What the API and the worker share about a lead's workflow: its id, task queue, messages and
 * the read-side shapes it writes. Imports nothing that performs I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DecayState } from '../engine/decay';
import type { LeadMemory } from '../engine/lead-context';
import type { Scores } from '../engine/score-state';
import type { CompiledDecay, CompiledGrade, CompiledScore, CompiledThreshold, LeadEvent, RecyclePolicy, RejectReason, Stage } from '../engine/types';
import type { Rescored } from './lead-state';
// Type-only: activities and definitions describe one another.
import type { Notification, ProjectionWrite } from './lead.activities';

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
  /** The sales team, and the owner inside it when the route assigns one. */
  team: string;
  owner?: string;
  /** The route node that chose the queue; absent when no route matched (queue "unrouted"). */
  routeId?: string;
  /**
   * pending → accepted | rejected by sales; expired when nobody answered after the last
   * escalation; withdrawn when the lead's score decayed below the threshold before an answer.
   */
  status: 'pending' | 'accepted' | 'rejected' | 'expired' | 'withdrawn';
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

/** Which events a rescoring was computed from (see eventDigest in lead-state.ts). */
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
 * The lead's answer: it took the result (and hands back the read-side write it would have made),
 * or it will replay its own events (it was busy, or its events differ from those the result used).
 */
export type RescoreReply = { status: 'applied'; write: ProjectionWrite } | { status: 'deferred'; reason: string };

/** Hands a lead its bulk-computed rescoring; answered in the same workflow task. */
export const rescoreResultUpdate = defineUpdate<RescoreReply, [RescoreDelivery]>('rescoreResult');
export const rescoreProgressQuery = defineQuery<RescoreProgress>('rescoreProgress');
export const leadStateQuery = defineQuery<LeadSnapshot>('leadState');
export const salesDecisionUpdate = defineUpdate<LeadSnapshot, [SalesDecisionInput]>('salesDecision');
