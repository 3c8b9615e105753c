/**
 * The runtime contract between the compiler (rules/), the workflows and the API: what a compiled
 * scoring model looks like, what an event is, and what scoring an event produces.
 * Plain data only, so that it crosses Temporal's payload boundary and MongoDB unchanged.
 */
import type { TopLevelCondition } from 'json-rules-engine';

/** Lifecycle stages (DOMAIN.md, "Thresholds and lifecycle"). */
export const STAGES = [
  'subscriber',
  'lead',
  'mql',
  'sal',
  'sql',
  'opportunity',
  'customer',
  'nurture',
  'disqualified',
] as const;
export type Stage = (typeof STAGES)[number];

/** Why sales rejects a lead (the feedback loop's reason codes). */
export const REJECT_REASONS = [
  'no_budget',
  'no_authority',
  'no_need',
  'bad_timing',
  'bad_data',
  'competitor',
  'spam',
  'other',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** One thing a lead did (or that happened to it), as it arrives from a CRM, the web or email. */
export interface LeadEvent {
  /** Unique per event; a second event with the same id has no effect. */
  eventId: string;
  leadId: string;
  /** e.g. page_view, form_submit, email_open. */
  type: string;
  /** Event details, read by rules as `event.<key>` facts. */
  properties: Record<string, string | number | boolean | null>;
  /** Lead attributes known at the time of the event, read as `lead.<key>` facts. */
  attributes?: Record<string, string | number | boolean | null>;
  /** ISO-8601 instant. */
  occurredAt: string;
}

/** The json-rules-engine event our compiler emits for a points rule. */
export interface PointsRuleEvent {
  type: 'points';
  params: { ruleId: string; ruleName: string; score: string; points: number };
}

/** A compiled rule: json-rules-engine's own rule JSON plus the trigger index. */
export interface CompiledRule {
  /** Stable id: the graph node id of the points node that produced it. */
  id: string;
  name: string;
  /** Event types that can fire the rule; the engine only evaluates a rule for these. */
  triggers: string[];
  /** json-rules-engine conditions (they repeat the trigger test, so the rule stands alone). */
  conditions: TopLevelCondition;
  event: PointsRuleEvent;
  priority: number;
}

/** A score whose value moves a lead to a stage, and where it then goes. */
export interface CompiledThreshold {
  id: string;
  /** A score id, or 'total' for the sum of all scores. */
  score: string;
  value: number;
  stage: 'mql';
  /** The sales queue a lead that crosses the threshold is handed to. */
  route: { queue: string };
}

/** What the compiler produces from a rule graph; stored beside the graph in each model version. */
export interface CompiledModel {
  /** Bumped when this shape changes incompatibly. */
  format: 1;
  scores: Array<{ id: string; label: string }>;
  rules: CompiledRule[];
  thresholds: CompiledThreshold[];
}

/** One rule that fired for one event: the unit of the score ledger. */
export interface RuleHit {
  ruleId: string;
  ruleName: string;
  score: string;
  points: number;
}
