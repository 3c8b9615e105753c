/**
 * Quantile bands for numeric facts: cut points that split the observed values into bands of
 * about equal size, so each band of the points model rests on enough leads. Ages in days (a date
 * column, dataset.ts) get bands too, ending at day counts a marketer reads at a glance.
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

/**
 * Drops cuts until every band holds at least `minSupport` of `values` (or one band is left),
 * merging the smallest band into its smaller neighbour each time.
 * @param band - the band of a value among cuts (`bandOf`, or `ageBandOf` for ages).
 */
export function mergeSmallBands(values: readonly number[], cuts: number[], minSupport: number, band: (cuts: readonly number[], value: number) => number = bandOf): number[] {
  const kept = [...cuts];
  for (;;) {
    const sizes = new Array<number>(kept.length + 1).fill(0);
    for (const value of values) sizes[band(kept, value)]! += 1;
    let smallest = -1;
    sizes.forEach((size, i) => {
      if (size < minSupport && (smallest < 0 || size < (sizes[smallest] as number))) smallest = i;
    });
    if (smallest < 0 || kept.length === 0) return kept;
    const left = smallest > 0 ? (sizes[smallest - 1] as number) : Infinity;
    const right = smallest < kept.length ? (sizes[smallest + 1] as number) : Infinity;
    kept.splice(left <= right ? smallest - 1 : smallest, 1);
  }
}

/** Day counts an age band may end at: a week, two weeks, a month, two, a quarter, half a year, a year, two years. */
export const AGE_DAYS: readonly number[] = [7, 14, 30, 60, 90, 180, 365, 730];

/** An age band: over < age ≤ upTo, in days; an absent bound is open. */
export interface AgeBand {
  over?: number;
  upTo?: number;
}

/**
 * Bands of ages in days: about `count` bands at the quantiles of `ages`, each boundary moved to
 * the nearest of `AGE_DAYS` ("within 30 days", "30–90 days ago", "more than 90 days ago"), then
 * merged until each holds at least `minSupport` ages. The upper bound is inclusive, as "within
 * N days" is when a rule tests it.
 */
export function ageBands(ages: readonly number[], count: number, minSupport: number): AgeBand[] {
  const readable = [...new Set(quantileCuts(ages, count).map(nearestAgeDays))].sort((a, b) => a - b);
  const min = Math.min(...ages);
  const max = Math.max(...ages);
  // A boundary below the youngest age or at the oldest would leave a band empty.
  const cuts = mergeSmallBands(ages, readable.filter((cut) => cut >= min && cut < max), minSupport, ageBandOf);
  const bounds = [undefined, ...cuts, undefined];
  return bounds.slice(0, -1).map((over, i) => ({ ...(over !== undefined && { over }), ...(bounds[i + 1] !== undefined && { upTo: bounds[i + 1] as number }) }));
}

/** The band of an age among age cuts: 0 up to the first cut (inclusive), i for cuts[i-1] < age ≤ cuts[i]. */
export function ageBandOf(cuts: readonly number[], age: number): number {
  let band = 0;
  while (band < cuts.length && age > (cuts[band] as number)) band++;
  return band;
}

/** "within 30 days", "30–90 days ago", "more than 90 days ago". */
export function ageBandLabel(band: AgeBand): string {
  if (band.over === undefined && band.upTo === undefined) return 'any age';
  if (band.over === undefined) return `within ${band.upTo} days`;
  if (band.upTo === undefined) return `more than ${band.over} days ago`;
  return `${band.over}–${band.upTo} days ago`;
}

/** The readable day count nearest to `days` (by ratio: 20 days is nearer 14 than 30). */
function nearestAgeDays(days: number): number {
  return AGE_DAYS.reduce((best, candidate) => (Math.abs(Math.log((candidate + 1) / (days + 1))) < Math.abs(Math.log((best + 1) / (days + 1))) ? candidate : best));
}
