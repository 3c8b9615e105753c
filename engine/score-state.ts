/**
 * Score and stage math for one lead. Pure and deterministic, so that Temporal workflow code can
 * call it: no I/O, no clocks, no randomness.
 */
import { nextStage } from './stage-machine';
import type { CompiledGrade, CompiledScore, CompiledThreshold, RejectReason, RuleHit, Stage } from './types';

export type Scores = Record<string, number>;

const canQualify = (stage: Stage) => nextStage(stage, 'qualified') !== undefined;

/**
 * Adds the points of `hits` to `scores`, keeping each score within its definition's min/max.
 * Returns new scores; `scores` is not changed.
 */
export function applyHits(scores: Scores, hits: readonly Pick<RuleHit, 'score' | 'points'>[], definitions: readonly CompiledScore[] = []): Scores {
  const next = { ...scores };
  const caps = new Map(definitions.map((definition) => [definition.id, definition]));
  for (const hit of hits) next[hit.score] = clamp((next[hit.score] ?? 0) + hit.points, caps.get(hit.score));
  return next;
}

/** The sum of all of a lead's scores. */
export function totalScore(scores: Scores): number {
  return Object.values(scores).reduce((sum, value) => sum + value, 0);
}

/** The value a threshold compares: the sum of its scores, or of all for 'total'. */
export function thresholdScore(scores: Scores, threshold: Pick<CompiledThreshold, 'scores'>): number {
  if (threshold.scores === 'total') return totalScore(scores);
  return threshold.scores.reduce((sum, id) => sum + (scores[id] ?? 0), 0);
}

/**
 * The thresholds that apply to a lead in `segment`: that segment's own when it has any,
 * otherwise the default ones (without a segment).
 */
export function thresholdsFor(thresholds: readonly CompiledThreshold[], segment: string | undefined): CompiledThreshold[] {
  const own = segment === undefined ? [] : thresholds.filter((threshold) => threshold.segment === segment);
  return own.length > 0 ? own : thresholds.filter((threshold) => threshold.segment === undefined);
}

/**
 * The first threshold (for the lead's segment) that `scores` reach while the lead is in a stage
 * that can still qualify, or undefined.
 */
export function reachedThreshold(
  stage: Stage,
  scores: Scores,
  thresholds: readonly CompiledThreshold[],
  segment?: string,
): CompiledThreshold | undefined {
  if (!canQualify(stage)) return undefined;
  return thresholdsFor(thresholds, segment).find((threshold) => thresholdScore(scores, threshold) >= threshold.value);
}

/** A1 (best fit, most engaged) … D4: fit banded A–D, engagement 1–4. */
export function gradeOf(scores: Scores, grade: Pick<CompiledGrade, 'fitScore' | 'engagementScore' | 'fitBands' | 'engagementBands'>): string {
  const fit = scores[grade.fitScore] ?? 0;
  const engagement = scores[grade.engagementScore] ?? 0;
  const letter = 'ABC'[grade.fitBands.findIndex((min) => fit >= min)] ?? 'D';
  const digit = grade.engagementBands.findIndex((min) => engagement >= min);
  return `${letter}${digit === -1 ? 4 : digit + 1}`;
}

/** True when the lead's grade is one the model hands to sales, and its stage can still qualify. */
export function gradeQualifies(stage: Stage, scores: Scores, grade: CompiledGrade): boolean {
  return canQualify(stage) && grade.salesReady.includes(gradeOf(scores, grade));
}

export type SalesDecision = { decision: 'accept' } | { decision: 'reject'; reason: RejectReason };

/**
 * The stage a sales answer leads to: accept makes the lead sales-accepted, reject recycles it to
 * nurture. Throws when the lead is not waiting for sales (programming error: callers validate).
 */
export function stageAfterDecision(stage: Stage, decision: SalesDecision): Stage {
  if (stage !== 'mql') throw new Error(`stageAfterDecision: a ${stage} lead has no pending handoff`);
  return nextStage(stage, decision.decision === 'accept' ? 'accepted' : 'rejected') as Stage;
}

function clamp(value: number, caps: CompiledScore | undefined): number {
  if (caps?.max !== undefined && value > caps.max) return caps.max;
  if (caps?.min !== undefined && value < caps.min) return caps.min;
  return value;
}
