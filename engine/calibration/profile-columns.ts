/**
 * A first look at a CRM export's columns: which hold numbers, which categories, and which are
 * of no use for scoring (identifiers, constants, empty columns), with how much of each is
 * missing. The caller shows this as the proposed column types and lets the user override them.
 */

import { parseDate } from '../date-value';

/** Values that mean "not filled in". `Select` is what an untouched drop-down exports. */
export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', 'Select', 'NA', 'N/A', 'null', 'NaN'];

export type ProfiledKind = 'number' | 'category' | 'date' | 'id' | 'constant' | 'empty';

export interface ColumnProfile {
  column: string;
  kind: ProfiledKind;
  /** Rows with a value, and rows without one (empty or a missing token). */
  present: number;
  missing: number;
  missingShare: number;
  /** Distinct values among the present ones. */
  distinct: number;
  /** The most frequent values, most frequent first (at most five). */
  examples: string[];
  /** Why the column is not proposed for scoring, when it is not. */
  unusable?: string;
}

export interface ProfileOptions {
  /** Columns to profile, in this order; default: the keys of the first row. */
  columns?: readonly string[];
  missingTokens?: readonly string[];
}

/** Rows from which a column of mostly unique values is taken for an identifier. */
const MIN_ROWS_FOR_ID = 20;

/**
 * Profiles every column of `rows`. A column is a number when every present value parses as
 * one; an identifier when (nearly) every row has its own value — whole numbers or text — since
 * such a column cannot generalise to new leads.
 */
export function profileColumns(rows: readonly Record<string, string>[], options: ProfileOptions = {}): ColumnProfile[] {
  const isMissing = missingTest(options.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const columns = options.columns ?? Object.keys(rows[0] ?? {});
  return columns.map((column) => {
    const counts = new Map<string, number>();
    let present = 0;
    let numeric = true;
    let integral = true;
    let dates = true;
    for (const row of rows) {
      const raw = row[column];
      if (raw === undefined || isMissing(raw)) continue;
      const value = raw.trim();
      present++;
      counts.set(value, (counts.get(value) ?? 0) + 1);
      if (dates && parseDate(value) === undefined) dates = false;
      if (numeric) {
        const number = parseNumber(value);
        if (number === undefined) numeric = false;
        else if (!Number.isInteger(number)) integral = false;
      }
    }
    const missing = rows.length - present;
    const distinct = counts.size;
    const examples = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 5)
      .map(([value]) => value);
    const base = { column, present, missing, missingShare: rows.length === 0 ? 0 : missing / rows.length, distinct, examples };
    if (present === 0) return { ...base, kind: 'empty', unusable: 'every value is missing' };
    if (distinct === 1) return { ...base, kind: 'constant', unusable: `every lead has the same value ("${examples[0]}")` };
    if (dates) return isCreationDate(column) ? { ...base, kind: 'date', unusable: CREATION_DATE_UNUSABLE } : { ...base, kind: 'date' };
    const mostlyUnique = present >= MIN_ROWS_FOR_ID && distinct >= 0.95 * present;
    if (numeric && integral && mostlyUnique) return { ...base, kind: 'id', unusable: 'a different whole number for (nearly) every lead: an identifier' };
    if (numeric) return { ...base, kind: 'number' };
    if (present >= MIN_ROWS_FOR_ID && distinct >= 0.5 * present) return { ...base, kind: 'id', unusable: 'most leads have a value of their own: an identifier or free text' };
    return { ...base, kind: 'category' };
  });
}

/**
 * Why a creation date is left out of the models. Any other date column becomes an age in days
 * (dataset.ts), which a live lead has too at scoring time.
 */
export const CREATION_DATE_UNUSABLE =
  "the lead's creation date: a new lead is always 0 days old when it is scored, so a rule on its age would give every new lead the same points; it is checked for drift instead";

/** Header words that name when the lead was created (the header folded: lower case, letters and digits only). */
const CREATION_WORDS = /created|creation|dateadded|addedon|signup|signedup|registrationdate|registeredon|dateregistered|firstseen|firstcontact|leaddate|inquirydate|enquirydate|acquired|optin/;
/** …unless it says it is the latest of something ("Last Created Task", "Latest Signup Attempt"). */
const LATEST_WORDS = /last|latest|recent/;

/**
 * True when a date column's header says it is the lead's creation date ("Created Date",
 * "Signup Date", "Date Added", "First Seen"). Read from the header only: the data cannot tell a
 * creation date from a last-activity date, and the user can override the choice.
 */
export function isCreationDate(column: string): boolean {
  const folded = column.toLowerCase().replace(/[^a-z0-9]/g, '');
  return CREATION_WORDS.test(folded) && !LATEST_WORDS.test(folded);
}

/** A test for "this cell is missing": blank, or one of `tokens` (ignoring case and spaces around). */
export function missingTest(tokens: readonly string[]): (value: string | undefined) => boolean {
  const set = new Set(tokens.map((token) => token.trim().toLowerCase()));
  return (value) => value === undefined || set.has(value.trim().toLowerCase());
}

const NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$/;

/**
 * The number in `text`, or undefined. A decimal comma is read as a decimal point ("2,5" is 2.5),
 * as `;`-separated exports write it; thousands separators are not supported.
 */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!NUMBER.test(trimmed)) return undefined;
  const value = Number(trimmed.replace(',', '.'));
  return Number.isFinite(value) ? value : undefined;
}
