/**
 * What the API and the worker share about a lead's workflow: its id, task queue, messages and
 * the read-side shapes it writes. Imports nothing that performs I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Lifecycle, LeadInput } from '../engine/lifecycle/lifecycle';
import type { SalesDecisionInput } from '../engine/lifecycle/lead-state';
import type { CompiledModel, CompiledRoute, LeadEvent } from '../engine/types';

export const TASK_QUEUE = 'leadflow-leads';

/** One workflow per lead: `lead:<leadId>`. */
export const leadWorkflowId = (leadId: string) => `lead:${leadId}`;

export type { LeadAttributes } from '../engine/lead-records';

// The read side's records live in engine/ so that the builder UI can type what the API serves
// with them; they are re-exported here, where the worker and the API have always found them.
import type { Handoff, LeadSnapshot, LedgerEntry } from '../engine/lead-records';
export type { Handoff, HandoffStatus, LeadSnapshot, LedgerEntry, StageChange } from '../engine/lead-records';
export type { SalesDecisionInput } from '../engine/lifecycle/lead-state';
export type { LeadInput } from '../engine/lifecycle/lifecycle';

export interface LeadWorkflowInput {
  leadId: string;
  /** State carried over by continue-as-new. */
  carried?: CarriedLead;
  /**
   * The lead workflow code this run was started by (LEAD_CODE when it started). A run knows the
   * patches of that code without asking `patched()`, so it records no patch marker for them and
   * Temporal writes no search attribute; a run started without it (before it existed) asks.
   */
  code?: number;
  /**
   * The model version the run's carried state was scored under, as the API that started it had
   * it (a first life): the run's turns score under it without asking the worker for it, so the
   * compiled model enters the history once, with the start, instead of in the first turn's answer.
   */
  model?: { modelId: string; version: number; compiled: CompiledModel };
}

/**
 * The lead workflow code that starts runs now: every patch it has is one a run started with it
 * takes without asking. Count it up when a patch is added (workflows/lead.workflow.ts CODE_PATCHES).
 */
export const LEAD_CODE = 2;

/** Everything a run hands to the next on continue-as-new. */
export interface CarriedLead {
  lifecycle: Lifecycle;
  /** Inputs received but not yet folded. */
  pending: LeadInput[];
  /** The read side's revision and ledger size as last written. */
  revision: number;
  /** Inputs appended to the lead's stored input log so far. */
  logged: number;
  /** The model version whose rescoring the lead has replayed its log under, if any. */
  rescoredUnder?: number;
  /** The model that version belongs to (absent in runs from before the live model could change: the first live model). */
  rescoredIn?: string;
  /** Notifications still being delivered when the run continued as new: sent again (same keys). */
  undelivered?: Notification[];
}

/** A published model version. */
export interface PublishedModel {
  version: number;
  compiled: CompiledModel;
}

/**
 * What a lead's workflow learns of the model at the start of a turn: the version that scores new
 * inputs (its compiled model only when the workflow does not have it yet), and the newest version
 * whose rescoring was asked for (a lead replays its whole log under it once).
 */
export interface ModelNews {
  /** The live model, whose version `version` is (absent in histories recorded before it could change). */
  modelId?: string;
  version: number;
  compiled?: CompiledModel;
  rescore?: { version: number; compiled?: CompiledModel };
  /** Whether anyone listens to webhooks now (absent in histories recorded before it was told: announce). */
  listening?: boolean;
}

/**
 * What the API tells a lead's workflow with its events: the live model as it saw it when it sent
 * them (read at most a second earlier) and whether anyone listens to webhooks. A turn whose inputs
 * all came with what the workflow has already asks the worker nothing: no local activity, no
 * marker in the lead's history.
 */
export interface DeliveryStamp {
  modelId: string;
  /** The live model's newest published version. */
  version: number;
  /** The version whose rescoring was asked for last, if any. */
  rescore?: number;
  listening: boolean;
}

/** One turn's read-side write. */
export interface ProjectionWrite {
  snapshot: LeadSnapshot;
  /** Ledger entries from sequence `ledgerFrom` on. */
  ledgerFrom: number;
  ledger: LedgerEntry[];
  /** The stored entries at or after `ledgerFrom` go first: a late input or a rescoring rewrote them. */
  replace?: true;
  handoffs: Handoff[];
  /** The inputs the turn applied, as the lead's input log positions `from`, `from + 1`, … */
  applied?: { from: number; inputs: LeadInput[] };
}

/** A change of a handoff or a stage that outside systems may want to hear of (webhooks). */
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

/** The owner a round-robin route gives a handoff. */
export interface OwnerRequest {
  /** The model of `modelVersion` (the live one when absent: histories recorded before it could change). */
  modelId?: string;
  modelVersion: number;
  routeId: string;
  handoffId: string;
}

export type RouteForOwner = Pick<CompiledRoute, 'id' | 'owners' | 'strategy'>;

export const leadEventSignal = defineSignal<[LeadEvent]>('leadEvent');
/** One lead's events of a batch, in the order sent: one signal, however many events. */
export const leadEventsSignal = defineSignal<[LeadEvent[], DeliveryStamp?]>('leadEvents');
/** Asks a lead for a turn now: a rescoring changed its stage or handoff, which its workflow acts on. */
export const wakeSignal = defineSignal<[{ rescore: number }]>('wake');

/** One rescoring of every lead under a version of a model: `rescore:<modelId>:v<version>` (`rescore:v<version>` before models were told apart). */
export const rescoreWorkflowId = (modelId: string, modelVersion: number) => `rescore:${modelId}:v${modelVersion}`;

/** Where one batch of a rescoring stands: `done` of its `leads` have passed `phase`. */
export interface RescoreBatchProgress {
  phase: 'reading' | 'replaying' | 'writing';
  leads: number;
  done: number;
}

export interface RescoreProgress {
  modelVersion: number;
  /** Leads when the rescoring started. */
  total: number;
  /** Leads handled so far (their read side rewritten, or left to their own workflow). */
  signalled: number;
  /** Leads whose read side the rescoring rewrote from their input log. */
  rescored?: number;
  /** Leads whose workflow wrote meanwhile: each replays its own log under the version at its next turn. */
  deferred?: number;
  /** Leads whose stage or handoff changed: their workflow was given a turn at once to act on it. */
  woken?: number;
  /** Inputs replayed. */
  events?: number;
  /** Time spent by the batches reading, replaying and writing, in ms. */
  millis?: { read: number; replay: number; write: number };
  /** The batch under way, from its activity's last heartbeat (added by readRescoreProgress). */
  batch?: RescoreBatchProgress;
  done: boolean;
}

export const rescoreProgressQuery = defineQuery<RescoreProgress>('rescoreProgress');
export const leadStateQuery = defineQuery<LeadSnapshot>('leadState');
export const salesDecisionUpdate = defineUpdate<LeadSnapshot, [SalesDecisionInput]>('salesDecision');
/** A rep takes the lead's pending handoff that nobody owns: it becomes theirs (refused once someone has it). */
export const takeHandoffUpdate = defineUpdate<LeadSnapshot, [{ handoffId: string; owner: string }]>('takeHandoff');
