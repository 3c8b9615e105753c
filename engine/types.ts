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

/**
 * What a CRM reports about a lead: the `properties.outcome` of a `crm_outcome` event (DOMAIN.md,
 * the stages after SQL). The API refuses any other value.
 */
export const CRM_OUTCOMES = ['opportunity_created', 'won', 'lost', 'disqualified'] as const;
export type CrmOutcome = (typeof CRM_OUTCOMES)[number];

export type FactValue = string | number | boolean | null;

/** One thing a lead did (or that happened to it), as it arrives from a CRM, the web or email. */
export interface LeadEvent {
  /** Unique per event; a second event with the same id has no effect. */
  eventId: string;
  leadId: string;
  /** e.g. page_view, form_submit, email_open. */
  type: string;
  /** Event details, read by rules as `event.<key>` facts. */
  properties: Record<string, FactValue>;
  /** Lead attributes that this event sets (a form fill, a CRM sync), read as `lead.<key>`. */
  attributes?: Record<string, FactValue>;
  /** ISO-8601 instant. */
  occurredAt: string;
  /**
   * When LeadFlow received it (the API sets it). A lead that qualifies on this event is handed
   * to sales then at the earliest: its SLA counts from the later of the two instants.
   */
  receivedAt?: string;
}

/** A past event as derived facts need it ("page views of /pricing in the last 30 days"). */
export interface HistoryEntry {
  type: string;
  url?: string;
  occurredAt: string;
  /** `occurredAt` in epoch milliseconds, parsed once when the entry is made. */
  at?: number;
}

/** What the scorer needs to know about the lead besides the event. */
export interface ScoringContext {
  /**
   * The lead's attributes as of this event (the event's own already merged in), as rules read
   * them: normalised, with the facts derived from them (engine/normalise-attributes.ts).
   */
  attributes: Record<string, FactValue>;
  /** `lead.<name>` of the facts this event changed (derived ones included): they fire attribute triggers. */
  changedAttributes: string[];
  /** Recent events before this one (derived facts count these and the event itself). */
  history: HistoryEntry[];
  /** When the lead was last active before this event. */
  lastActivityAt: string | null;
}

/** Rule limits, enforced by engine/limits.ts against the lead's history of the rule. */
export interface PointsLimits {
  oncePerLead?: boolean;
  maxTimes?: number;
  windowDays?: number;
  repeatBonus?: number;
  maxRepeatBonus?: number;
}

/** The json-rules-engine event our compiler emits for a points rule. */
export interface PointsRuleEvent {
  type: 'points';
  params: { ruleId: string; ruleName: string; score: string; points: number; reason: string };
}

/** A compiled scoring rule: json-rules-engine's own rule JSON plus the trigger index and limits. */
export interface CompiledRule {
  /** Stable id: the graph node id of the points node that produced it. */
  id: string;
  name: string;
  /** Keys that can fire the rule: `event:<type>` or `attribute:lead.<name>`. */
  triggers: string[];
  /** json-rules-engine conditions (they repeat the trigger test, so the rule stands alone). */
  conditions: TopLevelCondition;
  event: PointsRuleEvent;
  priority: number;
  limits?: PointsLimits;
}

export interface CompiledScore {
  id: string;
  label: string;
  min?: number;
  max?: number;
}

export type DecayRule =
  | { mode: 'step'; amount: number; everyDays: number }
  | { mode: 'once'; amount: number; afterDays: number }
  | { mode: 'half_life'; halfLifeDays: number };

/** Interest fading: how a score loses points while the lead is quiet on a channel. */
export interface CompiledDecay {
  id: string;
  name: string;
  score: string;
  channel: string;
  /** Event types that count as activity on the channel and restart its clock. */
  activity: string[];
  rule: DecayRule;
  floor: number;
}

export interface CompiledSegment {
  id: string;
  label: string;
  /** json-rules-engine conditions over `lead.*` facts. */
  conditions: TopLevelCondition;
}

/** Where a qualified lead may go: tried in order, the first whose conditions hold wins. */
export interface RoutingChoice {
  routeId: string;
  /** json-rules-engine conditions over `lead.*` facts; absent means always. */
  conditions?: TopLevelCondition;
}

export interface CompiledThreshold {
  id: string;
  name: string;
  /** The scores summed and compared: 'total' means all of them. */
  scores: string[] | 'total';
  value: number;
  stage: 'mql';
  /** The segment it applies to; absent: the default for leads in no segment with a threshold. */
  segment?: string;
  routing: RoutingChoice[];
}

export interface CompiledGrade {
  id: string;
  fitScore: string;
  engagementScore: string;
  /** Lowest fit score for A, B, C; lowest engagement score for 1, 2, 3. */
  fitBands: [number, number, number];
  engagementBands: [number, number, number];
  salesReady: string[];
  routing: RoutingChoice[];
}

export interface CompiledRoute {
  id: string;
  name: string;
  team: string;
  queue: string;
  owners: Array<{ id: string; weight: number }>;
  strategy: 'queue' | 'round_robin' | 'weighted';
  slaHours: number;
  escalateTo?: string;
  maxEscalations: number;
}

/** What a rejection does: reset these scores to 0, and wait before qualifying again. */
export interface RecyclePolicy {
  resetScores: string[];
  coolDownDays: number;
}

/**
 * One term of a predictive score: its weight counts when a condition on the lead's attributes
 * holds ('when'), or multiplies a standardised number ('linear').
 */
export type CompiledPredictiveTerm =
  | { kind: 'when'; name: string; weight: number; conditions: TopLevelCondition }
  /**
   * weight · (clamp(fact, lower, upper) − center) / scale; 0 when the fact is not a number
   * (a 'when' term on the fact being unknown carries the weight of a missing value).
   */
  | { kind: 'linear'; name: string; weight: number; fact: string; center: number; scale: number; lower?: number; upper?: number };

/**
 * A score computed from the lead's attributes rather than added up from rule hits: a fitted
 * logistic model, 100 · sigmoid(intercept + Σ terms − baseline), rounded to a whole number from
 * 0 to 100.
 */
export interface CompiledPredictive {
  /** The model score it sets. */
  score: string;
  name: string;
  intercept: number;
  /** Log-odds of the average lead: the value is relative to it (50 = average); absent, the value is the probability in percent. */
  baseline?: number;
  terms: CompiledPredictiveTerm[];
}

/** A predictive score of one lead, with the terms that moved it. */
export interface PredictedScore {
  score: string;
  /** 0–100: the probability of converting in percent, or against the average lead with a baseline (50 = average), rounded. */
  value: number;
  probability: number;
  /** Terms with a non-zero contribution to the log-odds, largest effect first. */
  terms: Array<{ name: string; contribution: number }>;
}

/**
 * A model's own words for a lead attribute's values: `values` maps each folded value (lower
 * case, one space between words: "c - level") to the value rules test ("c_level").
 */
export interface CompiledValueMap {
  attribute: string;
  values: Record<string, string>;
}

/** What the compiler produces from a rule graph; stored beside the graph in each model version. */
export interface CompiledModel {
  /** Bumped when this shape changes incompatibly. */
  format: 2;
  scores: CompiledScore[];
  rules: CompiledRule[];
  decay: CompiledDecay[];
  segments: CompiledSegment[];
  thresholds: CompiledThreshold[];
  grade?: CompiledGrade;
  routes: CompiledRoute[];
  recycle: RecyclePolicy;
  /** Scores set by fitted models (absent in models without any; older models have none). */
  predictive?: CompiledPredictive[];
  /** Value maps applied when the lead's attributes are read (absent: none). */
  valueMaps?: CompiledValueMap[];
}

/** One rule that fired for one event: the unit of the score ledger. */
export interface RuleHit {
  ruleId: string;
  ruleName: string;
  score: string;
  points: number;
  /** Why, in words: "page view where URL starts with /pricing: +20 engagement". */
  reason: string;
}
