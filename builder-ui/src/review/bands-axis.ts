/**
 * The score axis of the review histogram: every band from the lowest to the highest one that
 * holds leads or a threshold value, empty bands included, so the axis never jumps (50–60, then
 * 70–80). The what-if answer lists only bands that hold something.
 */
import type { ScoreBand } from '../api/client';

/** Bands on the axis at most; wider spans are cut around the values drawn. */
export const MAX_AXIS_BANDS = 200;

/**
 * `bands` (of width `width`, sorted by `from`) with an empty band in every gap, spanning the
 * bands and the `values` drawn on the axis (today's threshold, the proposed one).
 */
export function bandsOnAxis(bands: readonly ScoreBand[], width: number, values: readonly number[]): ScoreBand[] {
  const starts = [...bands.map((band) => band.from), ...values.filter(Number.isFinite).map((value) => Math.floor(value / width) * width)];
  if (starts.length === 0 || !(width > 0)) return [...bands];
  const low = Math.min(...starts);
  const high = Math.min(Math.max(...starts), low + (MAX_AXIS_BANDS - 1) * width);
  const byStart = new Map(bands.map((band) => [band.from, band]));
  const axis: ScoreBand[] = [];
  for (let from = low; from <= high; from += width) axis.push(byStart.get(from) ?? emptyBand(from, width));
  return axis;
}

function emptyBand(from: number, width: number): ScoreBand {
  return { from, to: from + width, leads: 0, reachedSql: 0, won: 0, sqlRate: null, wonRate: null, accepted: 0, rejected: 0, acceptanceRate: null };
}

/** The width of the bands of one answer (they share one); 10 when there are none. */
export function widthOf(bands: readonly ScoreBand[]): number {
  const first = bands[0];
  return first ? first.to - first.from : 10;
}
