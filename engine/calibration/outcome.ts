/**
 * The outcome of a lead in an export: the one reader of "which column says a lead converted, and
 * how", shared by the command line and the API. Three ways to say it:
 *
 * - a yes/no column (1/0, true/false, yes/no, y/n, won/lost, converted): the default;
 * - `positive`: the values that mean converted; every other filled-in value means not converted
 *   (a stage column: `Qualified` against `Lost`, `Open`, …);
 * - `ifPresent`: a filled-in cell means converted, an empty one not (an opportunity id).
 *
 * Rows without an outcome (an empty cell, unless `ifPresent`) are dropped and counted. Problems
 * are an `OutcomeError` with a code and what the caller needs to say which option to use.
 */
import { DEFAULT_MISSING_TOKENS, missingTest } from './profile-columns';

export interface OutcomeSpec {
  /** The outcome column. */
  column: string;
  /** Values meaning "converted" (ignoring case and spaces around); all other filled-in values mean "not". */
  positive?: readonly string[];
  /** A filled-in cell means converted, an empty one (or a missing token) not. */
  ifPresent?: boolean;
}

export const YES_VALUES: readonly string[] = ['1', 'true', 'yes', 'y', 'won', 'converted'];
export const NO_VALUES: readonly string[] = ['0', 'false', 'no', 'n', 'lost'];

export type OutcomeProblem =
  /** The file has no such column. */
  | 'no-column'
  /** `positive` and `ifPresent` together. */
  | 'two-ways'
  /** A default (yes/no) column holds other values. */
  | 'not-yes-no'
  /** Fewer than two leads converted, or fewer than two did not. */
  | 'one-outcome';

/** A problem with the outcome, worded for a user; `hint` says which option would help. */
export class OutcomeError extends Error {
  constructor(
    readonly code: OutcomeProblem,
    message: string,
    /** The columns of the file (for 'no-column'). */
    readonly columns: readonly string[] = [],
  ) {
    super(message);
    this.name = 'OutcomeError';
  }
}

export interface OutcomeWords {
  /** How the caller's user names the options: `--positive VALUE…` on the command line, `positive=` in the API. */
  positive: string;
  ifPresent: string;
}

export interface Outcomes {
  /** 1 = converted, 0 = not, per input row; undefined: dropped. */
  labels: Array<0 | 1 | undefined>;
  converted: number;
  notConverted: number;
  dropped: number;
}

/**
 * Reads every row's outcome.
 * @throws OutcomeError when the column is absent, both ways are given, a yes/no column holds
 *   other values, or fewer than two leads converted or fewer than two did not; the message says
 *   which option to use, in `words`.
 */
export function readOutcomes(rows: readonly Record<string, string>[], spec: OutcomeSpec, options: { missingTokens?: readonly string[]; words?: OutcomeWords } = {}): Outcomes {
  const words = options.words ?? { positive: 'positive', ifPresent: 'positive-if-present' };
  const columns = Object.keys(rows[0] ?? {});
  if (!columns.includes(spec.column)) {
    throw new OutcomeError('no-column', `there is no column "${spec.column}" to read the outcome from (columns: ${listed(columns, 30)})`, columns);
  }
  if (spec.ifPresent && spec.positive && spec.positive.length > 0) {
    throw new OutcomeError('two-ways', `give either ${words.positive} or ${words.ifPresent}, not both`);
  }
  const isMissing = missingTest(options.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const yes = new Set((spec.positive && spec.positive.length > 0 ? spec.positive : YES_VALUES).map(fold));
  const no = new Set(NO_VALUES.map(fold));
  const named = spec.positive !== undefined && spec.positive.length > 0;
  const others = new Map<string, number>();
  let empty = 0;
  const labels = rows.map((row): 0 | 1 | undefined => {
    const raw = row[spec.column];
    if (raw === undefined || isMissing(raw)) {
      empty++;
      return spec.ifPresent ? 0 : undefined;
    }
    if (spec.ifPresent) return 1;
    const key = fold(raw);
    if (yes.has(key)) return 1;
    if (named || no.has(key)) return 0;
    others.set(raw.trim(), (others.get(raw.trim()) ?? 0) + 1);
    return undefined;
  });
  const column = `"${spec.column}"`;
  if (others.size > 0) {
    const seen = [...others.entries()].sort((a, b) => b[1] - a[1]).map(([value]) => `"${value}"`);
    throw new OutcomeError(
      'not-yes-no',
      `${column} is not a yes/no column (it holds ${listed(seen, 6)}${empty > 0 ? ` and ${empty} empty cells` : ''}): ` +
        `name the values that mean converted with ${words.positive} (every other value then means not converted)` +
        `, or use ${words.ifPresent} if a filled-in cell means converted`,
    );
  }
  let converted = 0;
  let notConverted = 0;
  for (const label of labels) {
    if (label === 1) converted++;
    else if (label === 0) notConverted++;
  }
  if (converted < 2 || notConverted < 2) {
    const few = converted < 2 ? `${converted} lead${converted === 1 ? '' : 's'} converted` : `${notConverted} lead${notConverted === 1 ? '' : 's'} did not convert`;
    const advice =
      empty > 0 && !spec.ifPresent && notConverted < 2
        ? `; ${empty} cells are empty: if an empty cell means not converted, use ${words.ifPresent}`
        : named
          ? `; check the values given with ${words.positive}`
          : '';
    throw new OutcomeError('one-outcome', `by ${column}, only ${few}: calibration needs at least two leads that converted and two that did not${advice}`);
  }
  return { labels, converted, notConverted, dropped: rows.length - converted - notConverted };
}

function fold(value: string): string {
  return value.trim().toLowerCase();
}

function listed(items: readonly string[], most: number): string {
  return items.length > most ? `${items.slice(0, most).join(', ')}, … (${items.length} in all)` : items.join(', ');
}
