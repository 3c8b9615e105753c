/**
 * How well a score ranks leads that converted above leads that did not, measured on labelled
 * leads (the hold-out): ROC AUC, conversion by score band, lift, and precision and recall at a
 * threshold. Scores are any numbers, higher = more likely to convert; labels are 0/1.
 */

/**
 * The area under the ROC curve: the chance that a random converted lead scores above a random
 * unconverted one, ties counting half (the Mann–Whitney statistic). 1 is a perfect ranking,
 * 0.5 a random one. NaN when either outcome is absent.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = sortedIndices(scores, 'ascending');
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    const value = scores[order[start] as number] as number;
    while (end + 1 < order.length && scores[order[end + 1] as number] === value) end++;
    // Tied scores share the average of their ranks (1-based).
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) {
      if (labels[order[i] as number] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export interface BandConversion {
  /** "40 to under 50". */
  label: string;
  /** from ≤ score < to; the last band has no upper bound. */
  from: number;
  to?: number;
  leads: number;
  conversions: number;
  /** conversions / leads (0 for an empty band). */
  rate: number;
  /** rate / overall rate. */
  lift: number;
}

/**
 * Conversion per score band. `edges` are the bands' ascending lower bounds; scores below the
 * first edge fall in the first band.
 */
export function conversionByBand(scores: ArrayLike<number>, labels: ArrayLike<number>, edges: readonly number[]): BandConversion[] {
  const overall = mean(labels);
  const leads = new Array<number>(edges.length).fill(0);
  const conversions = new Array<number>(edges.length).fill(0);
  for (let i = 0; i < scores.length; i++) {
    let band = 0;
    while (band + 1 < edges.length && (scores[i] as number) >= (edges[band + 1] as number)) band++;
    leads[band]! += 1;
    conversions[band]! += labels[i] as number;
  }
  return edges.map((from, i) => {
    const to = edges[i + 1];
    const n = leads[i] as number;
    const rate = n === 0 ? 0 : (conversions[i] as number) / n;
    return {
      label: to === undefined ? `${fmt(from)} or more` : `${fmt(from)} to under ${fmt(to)}`,
      from,
      ...(to !== undefined && { to }),
      leads: n,
      conversions: conversions[i] as number,
      rate,
      lift: overall === 0 ? 0 : rate / overall,
    };
  });
}

/** Band edges at the `count`-quantiles of `scores` (distinct, ascending, starting at the minimum). */
export function quantileEdges(scores: ArrayLike<number>, count: number): number[] {
  const sorted = Float64Array.from(scores).sort();
  if (sorted.length === 0) return [0];
  const edges = [sorted[0] as number];
  for (let k = 1; k < count; k++) {
    const edge = sorted[Math.floor((k * sorted.length) / count)] as number;
    if (edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}

export interface LiftRow {
  /** 1 = the top `1/groups` of leads by score. */
  group: number;
  leads: number;
  conversions: number;
  rate: number;
  /** rate / overall rate. */
  lift: number;
  /** The same for the top `group` groups together. */
  cumulativeRate: number;
  cumulativeLift: number;
  /** Share of all conversions found in the top `group` groups. */
  capture: number;
}

/**
 * Leads sorted by score, highest first, cut into `groups` equal groups (deciles by default);
 * leads with equal scores keep their input order, so the table is deterministic.
 */
export function liftTable(scores: ArrayLike<number>, labels: ArrayLike<number>, groups = 10): LiftRow[] {
  const order = sortedIndices(scores, 'descending');
  const overall = mean(labels);
  let total = 0;
  for (let i = 0; i < labels.length; i++) total += labels[i] as number;
  const rows: LiftRow[] = [];
  let seenLeads = 0;
  let seenConversions = 0;
  for (let g = 0; g < groups; g++) {
    const start = Math.floor((g * order.length) / groups);
    const end = Math.floor(((g + 1) * order.length) / groups);
    let conversions = 0;
    for (let i = start; i < end; i++) conversions += labels[order[i] as number] as number;
    const leads = end - start;
    seenLeads += leads;
    seenConversions += conversions;
    const rate = leads === 0 ? 0 : conversions / leads;
    const cumulativeRate = seenLeads === 0 ? 0 : seenConversions / seenLeads;
    rows.push({
      group: g + 1,
      leads,
      conversions,
      rate,
      lift: overall === 0 ? 0 : rate / overall,
      cumulativeRate,
      cumulativeLift: overall === 0 ? 0 : cumulativeRate / overall,
      capture: total === 0 ? 0 : seenConversions / total,
    });
  }
  return rows;
}

export interface ThresholdOutcome {
  threshold: number;
  /** Leads scoring at or above the threshold (they would go to sales), and their share. */
  selected: number;
  share: number;
  /** Selected leads that converted. */
  converted: number;
  /** converted / selected: the conversion of the leads sales would get (0 when none). */
  precision: number;
  /** converted / all conversions: the share of buyers sales would see. */
  recall: number;
}

/** What a threshold does: leads at or above it are handed to sales. */
export function atThreshold(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): ThresholdOutcome {
  let selected = 0;
  let converted = 0;
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    const label = labels[i] as number;
    total += label;
    if ((scores[i] as number) >= threshold) {
      selected++;
      converted += label;
    }
  }
  return {
    threshold,
    selected,
    share: scores.length === 0 ? 0 : selected / scores.length,
    converted,
    precision: selected === 0 ? 0 : converted / selected,
    recall: total === 0 ? 0 : converted / total,
  };
}

/** Indices of `scores` sorted by score; equal scores keep index order (a stable sort). */
export function sortedIndices(scores: ArrayLike<number>, direction: 'ascending' | 'descending'): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  const sign = direction === 'ascending' ? 1 : -1;
  return order.sort((a, b) => sign * ((scores[a] as number) - (scores[b] as number)) || a - b);
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return values.length === 0 ? 0 : sum / values.length;
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
