/**
 * Conversion drifting over time, read from a date column of the export. The common case is
 * censoring: the newest leads have not had time to convert yet, so they look worse than they are
 * and the close rates of everything they carry are pulled down. The check compares the newest
 * tenth of the leads (by the date) with the older ones.
 */
import type { Dataset } from './dataset';
import { isoDay, parseDate } from '../date-value';

export interface DateDrift {
  column: string;
  /** The first day of the newest tenth, as yyyy-mm-dd. */
  since: string;
  newestLeads: number;
  newestRate: number;
  olderRate: number;
  /** In words, for the report. */
  warning: string;
}

/** The newest share of leads compared with the rest. */
const NEWEST_SHARE = 0.1;
/** A drift is worth a warning when the newest leads convert at under this share of the others' rate… */
const RATE_RATIO = 0.67;
/** …and the difference is this many standard errors wide (not noise). */
const MIN_Z = 3;

/**
 * The drift of conversion over `column`'s dates among the data set's rows, or undefined when the
 * newest leads convert about as the older ones do (or too few rows have a date).
 */
export function dateDrift(rows: readonly Record<string, string>[], dataset: Dataset, column: string): DateDrift | undefined {
  const dated: Array<{ day: number; label: number }> = [];
  dataset.sourceRows.forEach((source, i) => {
    const raw = rows[source]?.[column];
    const day = raw === undefined ? undefined : parseDate(raw);
    if (day !== undefined) dated.push({ day, label: dataset.labels[i] as number });
  });
  if (dated.length < 100) return undefined;
  dated.sort((a, b) => a.day - b.day);
  const cut = Math.floor(dated.length * (1 - NEWEST_SHARE));
  const since = (dated[cut] as { day: number }).day;
  // Every lead of the first newest day counts as newest: a day is never split.
  const older = dated.filter((lead) => lead.day < since);
  const newest = dated.filter((lead) => lead.day >= since);
  if (older.length === 0 || newest.length === 0) return undefined;
  const rate = (leads: typeof dated) => leads.reduce((sum, lead) => sum + lead.label, 0) / leads.length;
  const newestRate = rate(newest);
  const olderRate = rate(older);
  const pooled = rate(dated);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / newest.length + 1 / older.length));
  if (!(newestRate < RATE_RATIO * olderRate) || se === 0 || (olderRate - newestRate) / se < MIN_Z) return undefined;
  const day = isoDay(since);
  return {
    column,
    since: day,
    newestLeads: newest.length,
    newestRate,
    olderRate,
    warning:
      `"${column}": the newest leads (${newest.length}, from ${day} on) convert at ${percent(newestRate)} against ${percent(olderRate)} for older ones. ` +
      'Recent leads may not have had time to convert yet, which pulls their values\' close rates and the threshold down: ' +
      'calibrate on leads older than your sales cycle, or again once their outcomes are in.',
  };
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}
