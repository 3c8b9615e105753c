/**
 * Raw CSV rows turned into typed columns and 0/1 outcomes: the one place where text becomes
 * numbers, missing tokens become "missing", and the outcome column becomes labels.
 */
import { isoDay, parseDate } from '../date-value';
import { readOutcomes, type OutcomeSpec, type OutcomeWords } from './outcome';
import { DEFAULT_MISSING_TOKENS, missingTest, parseNumber } from './profile-columns';

export type ColumnKind = 'number' | 'category' | 'date';

export type DatasetColumn =
  /** Missing values are NaN. */
  | { name: string; kind: 'number'; values: Float64Array }
  /**
   * Missing values are null. Present ones are folded (`foldText`): every spelling of a value reads
   * as its most common one; `spellings` lists, for a value written more than one way, every
   * spelling seen (trimmed), so that rules can match them all.
   */
  | { name: string; kind: 'category'; values: Array<string | null>; spellings?: ReadonlyMap<string, readonly string[]> }
  /**
   * A date, as its age in whole days on the data set's `asOf` day (0: that day); missing values,
   * and dates after that day, are NaN. Never the calendar date itself: a rule on one would match
   * no future lead, or every one; an age is what a live lead has too, at the time it is scored.
   */
  | { name: string; kind: 'date'; values: Float64Array };

export interface Dataset {
  columns: DatasetColumn[];
  /** 1 = converted, 0 = not, one per kept row. */
  labels: Uint8Array;
  /** For each kept row, its index in the input rows. */
  sourceRows: number[];
  /** Input rows left out because their outcome was missing. */
  dropped: number;
  /** The day date columns' ages count to, in days since 1970-01-01 (absent without date columns). */
  asOf?: number;
}

export interface DatasetOptions {
  /** The outcome column, and how it says who converted (engine/calibration/outcome.ts). */
  outcome: OutcomeSpec;
  /** The columns to keep and how to read each. */
  columns: Readonly<Record<string, ColumnKind>>;
  missingTokens?: readonly string[];
  /** How the caller names the outcome options, for its error messages. */
  words?: OutcomeWords;
  /** The day ages count to, in days since 1970-01-01 (default: the newest date of the date columns). */
  asOf?: number;
}

/**
 * Builds the typed data set. Rows without an outcome are dropped and counted, never guessed.
 * @throws OutcomeError when the outcome cannot be read (outcome.ts); Error naming the column when
 *   a listed column is absent.
 */
export function buildDataset(rows: readonly Record<string, string>[], options: DatasetOptions): Dataset {
  const missingTokens = options.missingTokens ?? DEFAULT_MISSING_TOKENS;
  const isMissing = missingTest(missingTokens);
  const outcomes = readOutcomes(rows, options.outcome, { missingTokens, ...(options.words && { words: options.words }) });
  const first = rows[0] ?? {};
  for (const name of Object.keys(options.columns)) {
    if (!(name in first)) throw new Error(`there is no column "${name}" in the file`);
  }
  const sourceRows: number[] = [];
  const labels: number[] = [];
  outcomes.labels.forEach((label, index) => {
    if (label === undefined) return;
    sourceRows.push(index);
    labels.push(label);
  });
  const dateColumns = Object.entries(options.columns).filter(([, kind]) => kind === 'date').map(([name]) => name);
  const days = new Map(dateColumns.map((name) => [name, sourceRows.map((source) => dayOf(rows[source]?.[name], isMissing))]));
  const asOf = options.asOf ?? newestDay([...days.values()].flat());
  const columns = Object.entries(options.columns).map(([name, kind]): DatasetColumn => {
    if (kind === 'date') {
      // A date after `asOf` (only when the user chose an earlier day) has no age yet: missing.
      const ages = (days.get(name) as number[]).map((day) => (day <= (asOf as number) ? (asOf as number) - day : Number.NaN));
      return { name, kind, values: Float64Array.from(ages) };
    }
    if (kind === 'number') {
      const values = new Float64Array(sourceRows.length);
      sourceRows.forEach((source, i) => {
        const raw = rows[source]?.[name];
        values[i] = raw === undefined || isMissing(raw) ? Number.NaN : (parseNumber(raw) ?? Number.NaN);
      });
      return { name, kind, values };
    }
    const raw = sourceRows.map((source) => {
      const value = rows[source]?.[name];
      return value === undefined || isMissing(value) ? null : value.trim();
    });
    return { name, kind, ...foldSpellings(raw) };
  });
  return { columns, labels: Uint8Array.from(labels), sourceRows, dropped: outcomes.dropped, ...(asOf !== undefined && { asOf }) };
}

/** A cell's day (days since 1970-01-01), NaN when missing or no date. */
function dayOf(raw: string | undefined, isMissing: (value: string | undefined) => boolean): number {
  return raw === undefined || isMissing(raw) ? Number.NaN : (parseDate(raw) ?? Number.NaN);
}

/**
 * The newest date in `columns` of `rows`, in days since 1970-01-01 (undefined when none has a
 * date): the day an export was taken, near enough, which its ages count to by default.
 */
export function newestDate(rows: readonly Record<string, string>[], columns: readonly string[], missingTokens: readonly string[] = DEFAULT_MISSING_TOKENS): number | undefined {
  const isMissing = missingTest(missingTokens);
  return newestDay(columns.flatMap((column) => rows.map((row) => dayOf(row[column], isMissing))));
}

function newestDay(days: readonly number[]): number | undefined {
  let newest: number | undefined;
  for (const day of days) if (!Number.isNaN(day) && (newest === undefined || day > newest)) newest = day;
  return newest;
}

/** The date an age on `asOf` stands for, as yyyy-mm-dd: what a CRM sync of the lead would send. */
export function dateOfAge(asOf: number, age: number): string {
  return isoDay(asOf - age);
}

/**
 * A text value's key for "the same value written another way": case, accents, spaces and
 * punctuation left out ("C - Level", "c-level" and "C-LEVEL" are one value; "CXO" is another).
 */
export function foldText(value: string): string {
  const key = value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return key === '' ? value.trim() : key;
}

/** Each value as its group's most common spelling (ties: the first in code-point order). */
function foldSpellings(raw: ReadonlyArray<string | null>): { values: Array<string | null>; spellings: Map<string, string[]> } {
  const groups = new Map<string, Map<string, number>>();
  for (const value of raw) {
    if (value === null) continue;
    const key = foldText(value);
    const counts = groups.get(key) ?? new Map<string, number>();
    counts.set(value, (counts.get(value) ?? 0) + 1);
    groups.set(key, counts);
  }
  const canonical = new Map<string, string>();
  const spellings = new Map<string, string[]>();
  for (const [key, counts] of groups) {
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([spelling]) => spelling);
    canonical.set(key, ranked[0] as string);
    if (ranked.length > 1) spellings.set(ranked[0] as string, [...ranked].sort());
  }
  return { values: raw.map((value) => (value === null ? null : (canonical.get(foldText(value)) as string))), spellings };
}

/** The present values of a number column (an age column's ages) among `rows`, in row order. */
export function presentNumbers(column: Extract<DatasetColumn, { kind: 'number' | 'date' }>, rows: readonly number[]): number[] {
  const out: number[] = [];
  for (const row of rows) {
    const value = column.values[row] as number;
    if (!Number.isNaN(value)) out.push(value);
  }
  return out;
}
