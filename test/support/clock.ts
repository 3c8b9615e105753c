/**
 * Event times for tests that run against the live stack, where the workflow's clock is the real
 * one: relative to when the test file loaded, never a calendar date, so that a result that
 * depends on how long ago an event was (decay, windows, cool-downs) is the same on any day.
 */

const MINUTE_MS = 60_000;

/** Whole minutes, a day before the file loaded: long enough for a few hundred minutes of events, far from any decay. */
const base = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 24 * 60 * MINUTE_MS;

/** The ISO instant `minute` minutes into the test's day-old timeline. */
export function minute(minute: number): string {
  return new Date(base + minute * MINUTE_MS).toISOString();
}

/** The ISO instant `days` days before now (negative: after now). */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString();
}
