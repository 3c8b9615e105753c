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
  /**
   * Set when the threshold for the target would have sent fewer than `minShare` or more than
   * `maxShare` of the leads, and the threshold was moved to the nearest one that does not.
   */
  bounded?: 'min-share' | 'max-share';
}

export interface ThresholdOptions {
  /** Target conversion above the threshold (default 0.8). */
  target?: number;
  /** A threshold must select at least this many leads, so that its conversion means something (default 20). */
  minLeads?: number;
  /** Send at least this share of the leads, whatever the target says (default: no bound). */
  minShare?: number;
  /** Send at most this share of the leads (default: no bound). */
  maxShare?: number;
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
  type Candidate = { threshold: number; conversion: number; leads: number };
  const candidates: Candidate[] = [];
  let best: Candidate | undefined;
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
    candidates.push(candidate);
    if (!best || candidate.conversion > best.conversion) best = candidate;
    if (candidate.conversion >= target) lowestReaching = candidate;
  }
  let chosen = (lowestReaching ?? best) as Candidate;
  let bounded: ThresholdRecommendation['bounded'];
  const shareOf = (candidate: Candidate) => candidate.leads / scores.length;
  // Candidates run from the highest threshold (fewest leads) to the lowest.
  if (options.minShare !== undefined && shareOf(chosen) < options.minShare) {
    const wider = candidates.find((candidate) => shareOf(candidate) >= options.minShare!);
    if (wider) [chosen, bounded] = [wider, 'min-share'];
  } else if (options.maxShare !== undefined && shareOf(chosen) > options.maxShare) {
    const narrower = candidates.filter((candidate) => shareOf(candidate) <= options.maxShare!).at(-1);
    if (narrower) [chosen, bounded] = [narrower, 'max-share'];
  }
  return { ...chosen, target, share: shareOf(chosen), reached: lowestReaching !== undefined, ...(bounded && { bounded }) };
}

/**
 * The target conversion that suits a base rate when the user names none: 80 % (the usual
 * sales-ready bar) where that is within reach of a useful share of leads, otherwise three times
 * the base rate — leads three times as likely to convert as the average one.
 */
export function defaultTarget(baseRate: number): number {
  return Math.min(0.8, Math.round(3 * baseRate * 1000) / 1000);
}
