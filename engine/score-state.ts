/**
 * Score and stage math for one lead. Pure and deterministic, so that Temporal workflow code can
 * use it: no I/O, no clocks, no randomness.
 */
import type { CompiledThreshold, RejectReason, RuleHit, Stage } from './types';

export type Scores = Record<string, number>;

/** Stages from which crossing a threshold makes a lead marketing-qualified. */
const QUALIFIABLE: ReadonlySet<Stage> = new Set(['subscriber', 'lead', 'nurture']);

/** Adds the points of `hits` to `scores`; returns new scores, `scores` is not changed. */
export function applyHits(scores: Scores, hits: readonly RuleHit[]): Scores {
  const next = { ...scores };
  for (const hit of hits) next[hit.score] = (next[hit.score] ?? 0) + hit.points;
  return next;
}

/** The sum of all of a lead's scores. */
export function totalScore(scores: Scores): number {
  return Object.values(scores).reduce((sum, value) => sum + value, 0);
}

/** The value a threshold compares: one named score, or 'total'. */
export function thresholdScore(scores: Scores, threshold: Pick<CompiledThreshold, 'score'>): number {
  return threshold.score === 'total' ? totalScore(scores) : (scores[threshold.score] ?? 0);
}

/**
 * The first threshold that `scores` reach while the lead is in a stage that can still qualify,
 * or undefined. Thresholds are checked in model order.
 */
export function reachedThreshold(
  stage: Stage,
  scores: Scores,
  thresholds: readonly CompiledThreshold[],
): CompiledThreshold | undefined {
  if (!QUALIFIABLE.has(stage)) return undefined;
  return thresholds.find((threshold) => thresholdScore(scores, threshold) >= threshold.value);
}

export type SalesDecision = { decision: 'accept' } | { decision: 'reject'; reason: RejectReason };

/**
 * The stage a sales answer leads to: accept makes the lead sales-accepted, reject recycles it to
 * nurture. Throws when the lead is not waiting for sales (programming error: callers validate).
 */
export function stageAfterDecision(stage: Stage, decision: SalesDecision): Stage {
  if (stage !== 'mql') throw new Error(`stageAfterDecision: a ${stage} lead has no pending handoff`);
  return decision.decision === 'accept' ? 'sal' : 'nurture';
}
