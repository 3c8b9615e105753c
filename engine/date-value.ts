/**
 * Dates as CRM exports and syncs write them: an ISO date (`2024-03-31`), an ISO date and time
 * (`2024-03-31T10:15:00Z`), or `yyyymmdd` (`20240331`). One reading for calibration (which turns
 * a date column into an age in days) and for scoring (which measures days since a date attribute
 * at the event's time), so that "within 30 days" means the same in both.
 */

export const DAY_MS = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * The instant of a date value, in milliseconds since 1970-01-01 UTC; undefined for anything else
 * (a month or day out of range included). A date without a time is its day's midnight UTC; a
 * time without an offset is read as UTC, so the answer does not depend on the machine's zone.
 */
export function dateInstant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const match = ISO_DATE.exec(text) ?? COMPACT_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const midnight = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 31 April over into May: a day that does not exist is not a date.
  if (new Date(midnight).getUTCDate() !== day) return undefined;
  if (match[4] === undefined) return midnight;
  const instant = Date.parse(match[7] === undefined ? `${text.replace(' ', 'T')}Z` : text.replace(' ', 'T'));
  return Number.isNaN(instant) ? undefined : instant;
}

/**
 * The day of a date value, in whole days since 1970-01-01 (UTC), its time of day dropped (the
 * calendar day as written, whatever the offset); undefined for anything that is not a date.
 */
export function parseDate(text: string): number | undefined {
  if (dateInstant(text) === undefined) return undefined;
  const match = ISO_DATE.exec(text.trim()) ?? (COMPACT_DATE.exec(text.trim()) as RegExpExecArray);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS;
}

/** The day `day` (days since 1970-01-01) as yyyy-mm-dd. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
