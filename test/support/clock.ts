/**
 * Event times for tests that run against the live stack, where the workflow's clock is the real
 * one: relative to when the test file loaded, never a calendar date, so that a result that
 * depends on how long ago an event was (decay, windows, cool-downs) is the same on any day.
 * `clockAt(days)` gives the same times for a stack whose clocks run `days` ahead
 * (test/any-day.test.ts).
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface TestClock {
  /** The ISO instant `minute` minutes into a timeline that starts a day before the file loaded. */
  minute(minute: number): string;
  /** The ISO instant `days` days before now (negative: after now). */
  daysAgo(days: number): string;
}

/** The test clock of a stack whose clocks are `shiftDays` days ahead of this process's. */
export function clockAt(shiftDays: number): TestClock {
  const shift = shiftDays * DAY_MS;
  // Whole minutes, a day back: long enough for a few hundred minutes of events, far from any decay.
  const base = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - DAY_MS + shift;
  return {
    minute: (minute) => new Date(base + minute * MINUTE_MS).toISOString(),
    daysAgo: (days) => new Date(Date.now() + shift - days * DAY_MS).toISOString(),
  };
}

const today = clockAt(0);
export const minute = today.minute;
export const daysAgo = today.daysAgo;
