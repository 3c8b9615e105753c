/**
 * The threshold to recommend: the lowest score at which the leads at or above it still convert
 * at the target rate (the case study's goal: about 80 %). Lowest, because among thresholds that
 * reach the target it sends sales the most leads.
 */
import { sortedIndices } from './metrics';

export interface ThresholdRecommendation {
  /** Leads scoring at or above this go to sales. */
  threshold: number;
  target: number;
  /** Conversion of the leads at or above the threshold, on the leads it was chosen on. */
  conversion: number;
  /** How many of those leads, and their share. */
  leads: number;
  share: number;
  /** False when no threshold reaches the target: then `threshold` is the one with the best conversion. */
  reached: boolean;
}

export interface ThresholdOptions {
  /** Target conversion above the threshold (default 0.8). */
  target?: number;
  /** A threshold must select at least this many leads, so that its conversion means something (default 20). */
  minLeads?: number;
}

/**
 * Recommends a threshold from scored, labelled leads.
 * @throws RangeError when there are no leads, or the target is not between 0 and 1.
 */
export function recommendThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, options: ThresholdOptions = {}): ThresholdRecommendation {
  const target = options.target ?? 0.8;
  const minLeads = Math.min(options.minLeads ?? 20, scores.length);
  if (scores.length === 0) throw new RangeError('recommendThreshold: no leads');
  if (!(target > 0 && target <= 1)) throw new RangeError(`recommendThreshold: target must be in (0, 1], got ${target}`);
  const order = sortedIndices(scores, 'descending');
  let selected = 0;
  let converted = 0;
  let best: { threshold: number; conversion: number; leads: number } | undefined;
  let lowestReaching: typeof best;
  for (let i = 0; i < order.length; i++) {
    const index = order[i] as number;
    selected++;
    converted += labels[index] as number;
    const score = scores[index] as number;
    // Only at the last lead of a run of equal scores is "at or above this score" a real selection.
    const next = order[i + 1];
    if (next !== undefined && scores[next] === score) continue;
    if (selected < minLeads) continue;
    const candidate = { threshold: score, conversion: converted / selected, leads: selected };
    if (!best || candidate.conversion > best.conversion) best = candidate;
    if (candidate.conversion >= target) lowestReaching = candidate;
  }
  const chosen = (lowestReaching ?? best) as { threshold: number; conversion: number; leads: number };
  return { ...chosen, target, share: chosen.leads / scores.length, reached: lowestReaching !== undefined };
}
