/**
 * Raw CSV rows turned into typed columns and 0/1 outcomes: the one place where text becomes
 * numbers, missing tokens become "missing", and the outcome column becomes labels.
 */
import { DEFAULT_MISSING_TOKENS, missingTest, parseNumber } from './profile-columns';

export type ColumnKind = 'number' | 'category';

export type DatasetColumn =
  /** Missing values are NaN. */
  | { name: string; kind: 'number'; values: Float64Array }
  /** Missing values are null; present ones are trimmed. */
  | { name: string; kind: 'category'; values: Array<string | null> };

export interface Dataset {
  columns: DatasetColumn[];
  /** 1 = converted, 0 = not, one per kept row. */
  labels: Uint8Array;
  /** For each kept row, its index in the input rows. */
  sourceRows: number[];
  /** Input rows left out because their outcome was missing or not recognised. */
  dropped: number;
}

export interface DatasetOptions {
  /** The outcome column's name. */
  outcome: string;
  /** The columns to keep and how to read each. */
  columns: Readonly<Record<string, ColumnKind>>;
  missingTokens?: readonly string[];
  /** Outcome values that mean "converted" (ignoring case); default 1, true, yes, y, won, converted. */
  positiveValues?: readonly string[];
  /** Outcome values that mean "did not convert"; default 0, false, no, n, lost. */
  negativeValues?: readonly string[];
}

export const DEFAULT_POSITIVE_VALUES: readonly string[] = ['1', 'true', 'yes', 'y', 'won', 'converted'];
export const DEFAULT_NEGATIVE_VALUES: readonly string[] = ['0', 'false', 'no', 'n', 'lost'];

/**
 * Builds the typed data set. Rows whose outcome is neither a positive nor a negative value are
 * dropped and counted, never guessed.
 * @throws Error naming the column when the outcome column is absent, a listed column is absent,
 *   or no row has a recognised outcome (the message lists the values seen).
 */
export function buildDataset(rows: readonly Record<string, string>[], options: DatasetOptions): Dataset {
  const isMissing = missingTest(options.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const first = rows[0] ?? {};
  if (!(options.outcome in first)) throw new Error(`buildDataset: there is no outcome column "${options.outcome}"`);
  for (const name of Object.keys(options.columns)) {
    if (!(name in first)) throw new Error(`buildDataset: there is no column "${name}"`);
  }
  const outcome = outcomeReader(options.positiveValues ?? DEFAULT_POSITIVE_VALUES, options.negativeValues ?? DEFAULT_NEGATIVE_VALUES);
  const sourceRows: number[] = [];
  const labels: number[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const label = outcome(row[options.outcome]);
    if (label === undefined) {
      if (seen.size < 10) seen.add(String(row[options.outcome]));
      return;
    }
    sourceRows.push(index);
    labels.push(label);
  });
  if (sourceRows.length === 0) {
    throw new Error(`buildDataset: no row has a recognised outcome in "${options.outcome}" (values seen: ${[...seen].map((v) => `"${v}"`).join(', ')}); say which values mean converted`);
  }
  const columns = Object.entries(options.columns).map(([name, kind]): DatasetColumn => {
    if (kind === 'number') {
      const values = new Float64Array(sourceRows.length);
      sourceRows.forEach((source, i) => {
        const raw = rows[source]?.[name];
        values[i] = raw === undefined || isMissing(raw) ? Number.NaN : (parseNumber(raw) ?? Number.NaN);
      });
      return { name, kind, values };
    }
    const values = sourceRows.map((source) => {
      const raw = rows[source]?.[name];
      return raw === undefined || isMissing(raw) ? null : raw.trim();
    });
    return { name, kind, values };
  });
  return { columns, labels: Uint8Array.from(labels), sourceRows, dropped: rows.length - sourceRows.length };
}

function outcomeReader(positive: readonly string[], negative: readonly string[]): (value: string | undefined) => 0 | 1 | undefined {
  const yes = new Set(positive.map((v) => v.trim().toLowerCase()));
  const no = new Set(negative.map((v) => v.trim().toLowerCase()));
  return (value) => {
    const key = value?.trim().toLowerCase();
    if (key === undefined) return undefined;
    return yes.has(key) ? 1 : no.has(key) ? 0 : undefined;
  };
}

/** The present values of a number column among `rows`, in row order. */
export function presentNumbers(column: Extract<DatasetColumn, { kind: 'number' }>, rows: readonly number[]): number[] {
  const out: number[] = [];
  for (const row of rows) {
    const value = column.values[row] as number;
    if (!Number.isNaN(value)) out.push(value);
  }
  return out;
}
