/**
 * The features a predictive model learns from, derived from the training rows only: categories
 * one-hot (rare levels pooled into one "other" feature), numbers clipped at their 1st and 99th
 * percentiles and standardised, dates as one-hot bands of their age in days (never a linear term
 * on a calendar date), and a missing-indicator wherever values are missing. A design is
 * plain data, so the fitted model can be written into a rule graph and scored from lead attributes.
 */
import { ageBandOf, ageBands } from './bands';
import { presentNumbers, type Dataset, type DatasetColumn } from './dataset';

export type Feature =
  /** (clamp(x, lower, upper) - center) / scale; 0 when x is missing. */
  | { kind: 'numeric'; column: string; center: number; scale: number; lower: number; upper: number }
  /** 1 when the column has no value. */
  | { kind: 'missing'; column: string }
  /** 1 when the column has this value. */
  | { kind: 'level'; column: string; value: string }
  /** 1 when the column has a value outside `except` (the pooled rare values, and unseen ones). */
  | { kind: 'other'; column: string; except: string[] }
  /** 1 when the column's age in days is in (over, upTo]; an absent bound is open. */
  | { kind: 'age'; column: string; over?: number; upTo?: number };

export interface Design {
  features: Feature[];
}

export interface DesignOptions {
  /** A category value needs this many training rows for a feature of its own (default 20). */
  minLevelSupport?: number;
  /** Numbers are clipped at this quantile and its mirror (default 0.01), so outliers do not dominate. */
  clipQuantile?: number;
}

/** Age bands per date column, as the close-rate table has them. */
const AGE_BANDS = 5;

/** A row of the design matrix: the indices and values of its non-zero features. */
export interface SparseRow {
  indices: Int32Array;
  values: Float64Array;
}

/** The design for `dataset`'s columns, learned from the training `rows`. */
export function buildDesign(dataset: Dataset, rows: readonly number[], options: DesignOptions = {}): Design {
  const minLevelSupport = options.minLevelSupport ?? 20;
  const clip = options.clipQuantile ?? 0.01;
  const features: Feature[] = [];
  for (const column of dataset.columns) {
    let missing = 0;
    if (column.kind === 'date') {
      const ages = presentNumbers(column, rows);
      missing = rows.length - ages.length;
      const bands = ages.length === 0 ? [] : ageBands(ages, AGE_BANDS, minLevelSupport);
      // One band alone carries no contrast, as one category value does not.
      if (bands.length + (missing > 0 ? 1 : 0) < 2) continue;
      for (const band of bands) features.push({ kind: 'age', column: column.name, ...band });
    } else if (column.kind === 'number') {
      const present = presentNumbers(column, rows);
      missing = rows.length - present.length;
      const numeric = standardiser(column.name, present, clip);
      if (numeric) features.push(numeric);
    } else {
      const counts = new Map<string, number>();
      for (const row of rows) {
        const value = column.values[row];
        if (value === null || value === undefined) missing++;
        else counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      const kept = [...counts.entries()]
        .filter(([, n]) => n >= minLevelSupport)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([value]) => value);
      // One value alone carries no contrast: its feature would only copy the missing indicator.
      if (kept.length + (kept.length < counts.size ? 1 : 0) + (missing > 0 ? 1 : 0) < 2) continue;
      for (const value of kept) features.push({ kind: 'level', column: column.name, value });
      if (kept.length < counts.size) features.push({ kind: 'other', column: column.name, except: [...kept].sort() });
    }
    if (missing > 0 && missing < rows.length) features.push({ kind: 'missing', column: column.name });
  }
  return { features };
}

/**
 * Encodes `rows` of `dataset` with `design`.
 * @throws Error when the design names a column the data set lacks or has with another kind.
 */
export function encodeRows(dataset: Dataset, rows: readonly number[], design: Design): SparseRow[] {
  const byName = new Map(dataset.columns.map((column) => [column.name, column]));
  const encoders = design.features.map((feature, index) => featureEncoder(feature, index, byName.get(feature.column)));
  return rows.map((row) => {
    const indices: number[] = [];
    const values: number[] = [];
    for (const encode of encoders) {
      const hit = encode(row);
      if (hit !== undefined && hit.value !== 0) {
        indices.push(hit.index);
        values.push(hit.value);
      }
    }
    return { indices: Int32Array.from(indices), values: Float64Array.from(values) };
  });
}

function featureEncoder(feature: Feature, index: number, column: DatasetColumn | undefined): (row: number) => { index: number; value: number } | undefined {
  if (!column) throw new Error(`encodeRows: the design uses column "${feature.column}", which the data set lacks`);
  if (feature.kind === 'missing') {
    return column.kind !== 'category'
      ? (row) => (Number.isNaN(column.values[row] as number) ? { index, value: 1 } : undefined)
      : (row) => (column.values[row] === null ? { index, value: 1 } : undefined);
  }
  if (feature.kind === 'numeric') {
    if (column.kind !== 'number') throw new Error(`encodeRows: column "${feature.column}" is not numeric`);
    return (row) => {
      const x = column.values[row] as number;
      return Number.isNaN(x) ? undefined : { index, value: standardise(feature, x) };
    };
  }
  if (feature.kind === 'age') {
    if (column.kind !== 'date') throw new Error(`encodeRows: column "${feature.column}" is not a date`);
    const cuts = [...(feature.over !== undefined ? [feature.over] : []), ...(feature.upTo !== undefined ? [feature.upTo] : [])];
    const inside = feature.over !== undefined ? 1 : 0;
    return (row) => {
      const age = column.values[row] as number;
      return !Number.isNaN(age) && ageBandOf(cuts, age) === inside ? { index, value: 1 } : undefined;
    };
  }
  if (column.kind !== 'category') throw new Error(`encodeRows: column "${feature.column}" is not a category`);
  if (feature.kind === 'level') return (row) => (column.values[row] === feature.value ? { index, value: 1 } : undefined);
  const except = new Set(feature.except);
  return (row) => {
    const value = column.values[row];
    return value !== null && value !== undefined && !except.has(value) ? { index, value: 1 } : undefined;
  };
}

/** A numeric feature's value for a present x. */
export function standardise(feature: Extract<Feature, { kind: 'numeric' }>, x: number): number {
  return (Math.min(Math.max(x, feature.lower), feature.upper) - feature.center) / feature.scale;
}

function standardiser(column: string, present: readonly number[], clip: number): Extract<Feature, { kind: 'numeric' }> | undefined {
  if (present.length < 2) return undefined;
  const sorted = Float64Array.from(present).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))] as number;
  const lower = at(clip);
  const upper = at(1 - clip);
  let sum = 0;
  for (const x of present) sum += Math.min(Math.max(x, lower), upper);
  const center = sum / present.length;
  let squares = 0;
  for (const x of present) squares += (Math.min(Math.max(x, lower), upper) - center) ** 2;
  const scale = Math.sqrt(squares / (present.length - 1));
  // A constant column (after clipping) has nothing to learn from.
  return scale > 0 ? { kind: 'numeric', column, center, scale, lower, upper } : undefined;
}
