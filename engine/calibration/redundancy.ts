/**
 * Columns that say the same thing twice ("Job Title" and a "Title Level" derived from it, a
 * source and its origin): scored both, a lead would collect the same points twice. Two columns
 * are redundant when their levels (the close-rate table's, numbers in bands) go together almost
 * one to one — Cramér's V of at least 0.9 on the training leads that have both — and the one that
 * tells less about the outcome (lower information value) is left out.
 */
import { levelAssigner, type CloseRateTable } from './close-rates';
import type { Dataset } from './dataset';

export interface Redundancy {
  /** The column left out… */
  column: string;
  /** …because this one, kept, carries the same information. */
  sameAs: string;
  /** Cramér's V between the two, 0–1. */
  association: number;
  reason: string;
}

export interface RedundancyOptions {
  /** Cramér's V from which two columns count as one (default 0.9). */
  association?: number;
}

/** Leads that have both values, as a share of the training leads, below which a pair is not judged. */
const MIN_OVERLAP = 0.5;

/**
 * The columns to leave out as redundant, each with the column it repeats.
 * @param table the close-rate table of `dataset` on the training `rows` (its levels are compared).
 * @param informationValue per column, how much it tells about the outcome: the weaker of a pair goes.
 */
export function redundantColumns(
  dataset: Dataset,
  rows: readonly number[],
  table: CloseRateTable,
  informationValue: ReadonlyMap<string, number>,
  options: RedundancyOptions = {},
): Redundancy[] {
  const bar = options.association ?? 0.9;
  const assigned = table.columns.map((rates, index) => {
    const column = dataset.columns[index]!;
    const assign = levelAssigner(column, rates.levels.map((level) => level.match));
    const missing = rates.levels.findIndex((level) => level.match.kind === 'missing');
    const codes = rows.map((row) => {
      const level = assign(row);
      return level === missing ? -1 : level;
    });
    return { name: rates.column, levels: rates.levels.length, codes };
  });
  const pairs: Array<{ a: number; b: number; v: number }> = [];
  for (let a = 0; a < assigned.length; a++) {
    for (let b = a + 1; b < assigned.length; b++) {
      const v = cramersV(assigned[a]!.codes, assigned[b]!.codes, assigned[a]!.levels, assigned[b]!.levels, rows.length);
      if (v >= bar) pairs.push({ a, b, v });
    }
  }
  pairs.sort((x, y) => y.v - x.v);
  const dropped = new Map<string, Redundancy>();
  for (const { a, b, v } of pairs) {
    const [first, second] = [assigned[a]!.name, assigned[b]!.name];
    if (dropped.has(first) || dropped.has(second)) continue;
    const keepFirst = (informationValue.get(first) ?? 0) >= (informationValue.get(second) ?? 0);
    const [kept, left] = keepFirst ? [first, second] : [second, first];
    dropped.set(left, {
      column: left,
      sameAs: kept,
      association: v,
      reason: `carries the same information as "${kept}" (Cramér's V ${v.toFixed(2)}): scored both, a lead would get the same points twice; "${kept}" tells more about the outcome and is kept`,
    });
  }
  return [...dropped.values()];
}

/** Cramér's V of two level codings over the rows where both are present (-1: missing); 0 when too few overlap. */
function cramersV(x: readonly number[], y: readonly number[], xLevels: number, yLevels: number, total: number): number {
  const counts = new Map<number, number>();
  const xCounts = new Array<number>(xLevels).fill(0);
  const yCounts = new Array<number>(yLevels).fill(0);
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const [a, b] = [x[i] as number, y[i] as number];
    if (a < 0 || b < 0) continue;
    n++;
    xCounts[a]! += 1;
    yCounts[b]! += 1;
    const key = a * yLevels + b;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const r = xCounts.filter((c) => c > 0).length;
  const c = yCounts.filter((count) => count > 0).length;
  if (n < MIN_OVERLAP * total || Math.min(r, c) < 2) return 0;
  // χ² = n · (Σ n_ij² / (n_i · n_j) − 1)
  let sum = 0;
  for (const [key, count] of counts) sum += (count * count) / ((xCounts[Math.floor(key / yLevels)] as number) * (yCounts[key % yLevels] as number));
  const chi2 = n * (sum - 1);
  return Math.sqrt(Math.max(0, chi2) / (n * (Math.min(r, c) - 1)));
}
