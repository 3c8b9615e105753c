/**
 * DOMAIN.md's close-rate method: the overall close rate (conversions / leads), and for every
 * value of every column — every band of a numeric one — its own close rate and the ratio of the
 * two. The points model gives points in proportion to that ratio.
 *
 * Minimum support and smoothing. A value seen on few leads has a close rate that is mostly
 * noise, so:
 * - a value becomes a level of its own only when at least `minSupport` training leads carry it;
 *   rarer values are pooled into one "other" level. `minSupport` asks for about ten expected
 *   conversions (or ten expected non-conversions, whichever outcome is rarer), and never fewer
 *   than 30 leads: `max(30, ceil(10 / min(p, 1 - p)))`, 30 at X Education's 38.5 %. At that
 *   size the standard error of a 40 % close rate is ±9 points, about a fifth of the rate.
 * - every rate is shrunk towards the overall rate as if `priorWeight` extra leads converted at
 *   the overall rate: (conversions + priorWeight·p) / (leads + priorWeight), with
 *   priorWeight = minSupport / 2. A level at the minimum support keeps two thirds of its
 *   deviation; one with ten times that keeps 95 %. Pooled and missing levels, which may be
 *   small, are shrunk the same way.
 */
import { ageBandLabel, ageBandOf, ageBands, bandLabel, bandOf, mergeSmallBands, quantileCuts } from './bands';
import { presentNumbers, type ColumnKind, type Dataset, type DatasetColumn } from './dataset';

/** Which leads a level holds. */
export type LevelMatch =
  | { kind: 'value'; value: string }
  /** Present values other than the listed ones (the pooled rare values). */
  | { kind: 'other'; except: string[] }
  /** from ≤ x < to; an absent bound is open. */
  | { kind: 'band'; from?: number; to?: number }
  /** An age in days (a date column): over < age ≤ upTo; an absent bound is open. */
  | { kind: 'age'; over?: number; upTo?: number }
  | { kind: 'missing' };

export interface CloseRateLevel {
  match: LevelMatch;
  /** The level in words: the value, "other values", "3 to under 5", "missing". */
  label: string;
  leads: number;
  conversions: number;
  /** conversions / leads, unsmoothed. */
  closeRate: number;
  /** Shrunk towards the overall rate (see the module comment). */
  smoothedRate: number;
  /** smoothedRate / overall rate: 2 means twice as likely to convert as the average lead. */
  ratio: number;
  /** At least `minSupport` leads: enough to give points for. */
  supported: boolean;
}

export interface ColumnCloseRates {
  column: string;
  kind: ColumnKind;
  levels: CloseRateLevel[];
}

export interface CloseRateTable {
  leads: number;
  conversions: number;
  overallRate: number;
  minSupport: number;
  priorWeight: number;
  columns: ColumnCloseRates[];
}

export interface CloseRateOptions {
  /** Quantile bands per numeric column (default 5). */
  bands?: number;
  /** Overrides of the support rule. */
  minSupport?: number;
  priorWeight?: number;
}

/**
 * The minimum support and prior weight for an overall close rate `overallRate` (module comment).
 */
export function supportRule(overallRate: number): { minSupport: number; priorWeight: number } {
  const rarer = Math.min(overallRate, 1 - overallRate);
  // The small allowance keeps float noise (1 - 0.9 = 0.0999…) from adding a lead.
  const minSupport = Math.max(30, Math.ceil(10 / Math.max(rarer, 1e-6) - 1e-9));
  return { minSupport, priorWeight: minSupport / 2 };
}

/**
 * The close-rate table of `dataset` over the rows `rows` (the training rows).
 * @throws RangeError when `rows` is empty.
 */
export function closeRates(dataset: Dataset, rows: readonly number[], options: CloseRateOptions = {}): CloseRateTable {
  if (rows.length === 0) throw new RangeError('closeRates: no rows');
  let conversions = 0;
  for (const row of rows) conversions += dataset.labels[row] as number;
  const overallRate = conversions / rows.length;
  const rule = supportRule(overallRate);
  const minSupport = options.minSupport ?? rule.minSupport;
  const priorWeight = options.priorWeight ?? rule.priorWeight;
  const stats = (match: LevelMatch, label: string, leads: number, converted: number): CloseRateLevel => {
    const smoothedRate = (converted + priorWeight * overallRate) / (leads + priorWeight);
    return {
      match,
      label,
      leads,
      conversions: converted,
      closeRate: leads === 0 ? 0 : converted / leads,
      smoothedRate,
      ratio: overallRate === 0 ? 1 : smoothedRate / overallRate,
      supported: leads >= minSupport,
    };
  };
  const columns = dataset.columns.map((column): ColumnCloseRates => {
    const matches = levelsOf(column, rows, minSupport, options.bands ?? 5);
    const leads = new Array<number>(matches.length).fill(0);
    const converted = new Array<number>(matches.length).fill(0);
    const assign = levelAssigner(column, matches);
    for (const row of rows) {
      const level = assign(row);
      if (level < 0) continue;
      leads[level] = (leads[level] as number) + 1;
      converted[level] = (converted[level] as number) + (dataset.labels[row] as number);
    }
    const levels = matches
      .map((match, i) => stats(match, labelOf(match), leads[i] as number, converted[i] as number))
      .filter((level) => level.leads > 0);
    return { column: column.name, kind: column.kind, levels };
  });
  return { leads: rows.length, conversions, overallRate, minSupport, priorWeight, columns };
}

/**
 * For a column and its levels, a function from a row index to the index of the level holding
 * it (-1 when none does: an unseen value in a column without an "other" level).
 */
export function levelAssigner(column: DatasetColumn, levels: readonly LevelMatch[]): (row: number) => number {
  const missing = levels.findIndex((level) => level.kind === 'missing');
  if (column.kind === 'date') {
    const bands = levels.map((level, index) => ({ level, index })).filter((entry) => entry.level.kind === 'age');
    const cuts = bands.slice(1).map(({ level }) => (level as { over: number }).over);
    return (row) => {
      const age = column.values[row] as number;
      if (Number.isNaN(age)) return missing;
      return bands[ageBandOf(cuts, age)]?.index ?? -1;
    };
  }
  if (column.kind === 'number') {
    const bands = levels.map((level, index) => ({ level, index })).filter((entry) => entry.level.kind === 'band');
    const cuts = bands.slice(1).map(({ level }) => (level as { from: number }).from);
    return (row) => {
      const value = column.values[row] as number;
      if (Number.isNaN(value)) return missing;
      return bands[bandOf(cuts, value)]?.index ?? -1;
    };
  }
  const byValue = new Map<string, number>();
  levels.forEach((level, index) => level.kind === 'value' && byValue.set(level.value, index));
  const other = levels.findIndex((level) => level.kind === 'other');
  return (row) => {
    const value = column.values[row];
    if (value === null || value === undefined) return missing;
    return byValue.get(value) ?? other;
  };
}

/** The levels of one column: supported values, then "other", then "missing"; or bands, then "missing". */
function levelsOf(column: DatasetColumn, rows: readonly number[], minSupport: number, bandCount: number): LevelMatch[] {
  if (column.kind === 'date') {
    const ages = presentNumbers(column, rows);
    const bands: LevelMatch[] = ages.length === 0 ? [] : ageBands(ages, bandCount, minSupport).map((band) => ({ kind: 'age', ...band }));
    return ages.length < rows.length ? [...bands, { kind: 'missing' }] : bands;
  }
  if (column.kind === 'number') {
    const present = presentNumbers(column, rows);
    const cuts = mergeSmallBands(present, quantileCuts(present, bandCount), minSupport);
    const bounds = [undefined, ...cuts, undefined];
    const bands: LevelMatch[] = bounds.slice(0, -1).map((from, i) => ({
      kind: 'band',
      ...(from !== undefined && { from }),
      ...(bounds[i + 1] !== undefined && { to: bounds[i + 1] as number }),
    }));
    return present.length < rows.length ? [...bands, { kind: 'missing' }] : bands;
  }
  const counts = new Map<string, number>();
  let missing = 0;
  for (const row of rows) {
    const value = column.values[row];
    if (value === null || value === undefined) missing++;
    else counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const kept = [...counts.entries()]
    .filter(([, n]) => n >= minSupport)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([value]) => value);
  const levels: LevelMatch[] = kept.map((value) => ({ kind: 'value', value }));
  if (kept.length < counts.size) levels.push({ kind: 'other', except: [...kept].sort() });
  if (missing > 0) levels.push({ kind: 'missing' });
  return levels;
}

function labelOf(match: LevelMatch): string {
  switch (match.kind) {
    case 'value':
      return match.value;
    case 'other':
      return 'other values';
    case 'band':
      return bandLabel(match.from, match.to);
    case 'age':
      return ageBandLabel(match);
    case 'missing':
      return 'missing';
  }
}
