/**
 * The shapes the API answers with for leads, sales queues, simulations, threshold reviews and
 * reports, as the screens read them. A lead, its handoffs and its ledger are the server's own
 * records (engine/lead-records.ts); the others mirror the API's (api/features/*) without
 * importing server code into the browser.
 */
import type { Handoff, LeadSnapshot, StageChange } from '../../../engine/lead-records';
import type { Person } from '../../../engine/person';
import type { FactValue, Stage } from '../../../engine/types';
import type { Segment } from '../../../rules/graph.schema';

export type { Handoff, HandoffStatus, StageChange } from '../../../engine/lead-records';

/** A handoff in a queue: who the person is, the lead's score now, why it qualified and the rules that gave it the most points. */
export interface QueuedHandoff extends Handoff {
  /** From the lead's attributes; each field only when the lead has it. */
  person: Person;
  /** The lead's total score now (`score` is the one at handoff); null when the lead is gone. */
  scoreNow: number | null;
  /** The reason the lead's stage history gave when the handoff made it an MQL. */
  qualifiedWhy?: string;
  topRules: Array<{ ruleId: string; ruleName: string; points: number }>;
}

export type { FactValue };

/** A lead as the API serves it (`GET /api/leads/:leadId`, and each row of a search). */
export type Lead = Omit<LeadSnapshot, 'revision'>;

/** A lead search's order: a field, descending with a leading "-" (the API's `sort`). */
export type LeadSort = '-total' | 'total' | '-lastActivityAt' | 'lastActivityAt' | 'leadId' | '-leadId' | 'name' | '-name' | 'company' | '-company' | 'stage' | '-stage';

export interface LeadSearch {
  stage?: Stage;
  grade?: string;
  segment?: string;
  owner?: string;
  minScore?: number;
  maxScore?: number;
  /** Words of the person's name, company or email (or the lead's id). */
  q?: string;
  sort?: LeadSort;
  page?: number;
  pageSize?: number;
}

/** One rule's points for one event. */
export type { LedgerEntry } from '../../../engine/lead-records';

export interface SimulatedEvent {
  type: string;
  properties: Record<string, FactValue>;
  attributes?: Record<string, FactValue>;
  occurredAt: string;
}

/** A made-up lead (attributes and events) or a real one (leadId); the draft unless a graph is given. */
export type SimulationRequest = { graph?: unknown; until?: string } & (
  | { attributes?: Record<string, FactValue>; events: SimulatedEvent[] }
  | { leadId: string }
);

export interface SimulationStep {
  at: string;
  /** A timer step is time passing: decay, or an SLA running out; an answer step is sales answering a handoff. */
  kind: 'event' | 'answer' | 'timer';
  event?: { eventId: string; type: string };
  answer?: { handoffId: string; decision: string };
  entries: Array<{ ruleId: string; ruleName: string; score: string; points: number; reason: string }>;
  stageChanges: StageChange[];
  handoff?: Pick<Handoff, 'handoffId' | 'queue' | 'team' | 'owner' | 'status' | 'slaDueAt'>;
  scores: Record<string, number>;
  total: number;
  stage: Stage;
  grade: string | null;
  segment: string | null;
}

export interface SimulationResult {
  modelId: string;
  leadId: string;
  events: number;
  /** The model's score ids, in its order. */
  scores: string[];
  steps: SimulationStep[];
  truncated: boolean;
}

export interface ReviewThreshold {
  nodeId: string;
  name: string;
  scores: string[] | 'total';
  value: number;
  /** null: the default threshold, for leads of no segment with one of its own. */
  segment: string | null;
}

export interface ThresholdReview {
  modelId: string;
  version: number;
  segments: Segment[];
  thresholds: ReviewThreshold[];
}

export interface ScoreBand {
  from: number;
  to: number;
  leads: number;
  reachedSql: number;
  won: number;
  sqlRate: number | null;
  wonRate: number | null;
  accepted: number;
  rejected: number;
  acceptanceRate: number | null;
}

export interface WhatIf {
  modelId: string;
  version: number;
  nodeId: string;
  segment: string | null;
  scores: string[] | 'total';
  /** Leads the threshold governs. */
  leads: number;
  current: { value: number; atOrAbove: number };
  proposed: { value: number; atOrAbove: number };
  bands: ScoreBand[];
}

export const FUNNEL_GROUPINGS = ['none', 'segment', 'source', 'industry', 'modelVersion'] as const;
export type FunnelGrouping = (typeof FUNNEL_GROUPINGS)[number];

export interface FunnelGroup {
  key: string;
  leads: number;
  reached: { mql: number; sal: number; sql: number; won: number };
  conversion: { mqlToSal: number | null; salToSql: number | null; sqlToWon: number | null; mqlToWon: number | null };
  acceptance: { accepted: number; rejected: number; rate: number | null };
  medianHoursMqlToSql: number | null;
}

export interface FunnelReport {
  by: FunnelGrouping;
  /** The period asked for (days, both included); null: open. */
  from: string | null;
  to: string | null;
  generatedAt: string;
  groups: FunnelGroup[];
}

export interface GradeReport {
  segment: string | null;
  counts: Record<string, number>;
  /** Rows A–D, columns 1–4. */
  matrix: number[][];
  ungraded: number;
}

export interface ScoreReport {
  score: string;
  bandWidth: number;
  segment: string | null;
  leads: number;
  bands: Array<{ from: number; to: number; leads: number }>;
}
