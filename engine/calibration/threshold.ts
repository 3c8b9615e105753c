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
   * `maxShare` of the leads, and the threshold was moved to the nearest one that does not;
   * 'tied' when no threshold does, because a run of leads tied on one score (`tie`) jumps over
   * the whole range: then the threshold is the one whose share comes nearest to it.
   */
  bounded?: 'min-share' | 'max-share' | 'tied';
  /** With `bounded: 'tied'`: the score the tied leads share, and how many of them there are. */
  tie?: { score: number; leads: number };
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
  const chosen = (lowestReaching ?? best) as Candidate;
  const bounds = { min: options.minShare ?? 0, max: options.maxShare ?? 1 };
  const moved = withinShare(chosen, candidates, scores, bounds);
  return { ...moved.chosen, target, share: moved.chosen.leads / scores.length, reached: lowestReaching !== undefined, ...(moved.bounded && { bounded: moved.bounded }), ...(moved.tie && { tie: moved.tie }) };
}

type Candidate = { threshold: number; conversion: number; leads: number };

/**
 * `chosen`, or the nearest candidate that sends a share of the leads within `bounds`. A
 * threshold cannot split leads that tie on a score: they all go to sales or none does. So when
 * a tie is wider than the range (a third of the leads on one score, with 5–40 % asked), no
 * candidate is within it, and the one nearest the range is taken and the tie named, rather than
 * one that sends far more or far fewer leads than the bound said.
 * @param candidates - from the highest threshold (fewest leads) to the lowest.
 */
function withinShare(
  chosen: Candidate,
  candidates: readonly Candidate[],
  scores: ArrayLike<number>,
  bounds: { min: number; max: number },
): { chosen: Candidate; bounded?: ThresholdRecommendation['bounded']; tie?: { score: number; leads: number } } {
  const shareOf = (candidate: Candidate) => candidate.leads / scores.length;
  const outside = (candidate: Candidate) => Math.max(bounds.min - shareOf(candidate), shareOf(candidate) - bounds.max, 0);
  if (outside(chosen) === 0) return { chosen };
  const inside = candidates.filter((candidate) => outside(candidate) === 0);
  if (inside.length > 0) {
    // Too few: the highest threshold that sends enough; too many: the lowest that sends few enough.
    return shareOf(chosen) < bounds.min ? { chosen: inside[0] as Candidate, bounded: 'min-share' } : { chosen: inside.at(-1) as Candidate, bounded: 'max-share' };
  }
  // Nearest to the range; on equal distance the one sending fewer leads, the side a review can widen.
  const nearest = candidates.reduce((best, candidate) => (outside(candidate) < outside(best) ? candidate : best));
  // The tie is the score at which the share jumps past the range (the lowest one, if none does).
  const jump = candidates.find((candidate) => shareOf(candidate) > bounds.max) ?? (candidates.at(-1) as Candidate);
  let leads = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] === jump.threshold) leads++;
  return { chosen: nearest, bounded: 'tied', tie: { score: jump.threshold, leads } };
}

/**
 * The target conversion that suits a base rate when the user names none: 80 % (the usual
 * sales-ready bar) where that is within reach of a useful share of leads, otherwise three times
 * the base rate — leads three times as likely to convert as the average one.
 */
export function defaultTarget(baseRate: number): number {
  return Math.min(0.8, Math.round(3 * baseRate * 1000) / 1000);
}
