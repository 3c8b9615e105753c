/**
 * Quantile bands for numeric facts: cut points that split the observed values into bands of
 * about equal size, so each band of the points model rests on enough leads.
 */

/**
 * Up to `count - 1` ascending cut points at the quantiles of `values`. Repeated values (a third
 * of leads with 0 visits) collapse neighbouring cuts, so fewer bands may come out; a cut at the
 * minimum is dropped, since the band below it would be empty.
 */
export function quantileCuts(values: readonly number[], count: number): number[] {
  if (values.length === 0 || count < 2) return [];
  const sorted = Float64Array.from(values).sort();
  const min = sorted[0] as number;
  const cuts: number[] = [];
  for (let k = 1; k < count; k++) {
    const cut = sorted[Math.floor((k * sorted.length) / count)] as number;
    if (cut > min && cut !== cuts[cuts.length - 1]) cuts.push(cut);
  }
  return cuts;
}

/** The band of `value`: 0 below the first cut, i for cuts[i-1] ≤ value < cuts[i], cuts.length above the last. */
export function bandOf(cuts: readonly number[], value: number): number {
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (value >= (cuts[mid] as number)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** "under 3", "3 to under 5", "12 or more": a band in words, half-open on the right. */
export function bandLabel(from: number | undefined, to: number | undefined): string {
  if (from === undefined && to === undefined) return 'any value';
  if (from === undefined) return `under ${formatNumber(to as number)}`;
  if (to === undefined) return `${formatNumber(from)} or more`;
  return `${formatNumber(from)} to under ${formatNumber(to)}`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
