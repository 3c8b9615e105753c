/**
 * Rule limits: once per lead, at most K times per rolling window, and a bonus for repeats.
 * Pure: the caller keeps, per lead and rule, the times the rule gave points.
 */
import type { PointsLimits } from './types';

const DAY_MS = 86_400_000;

export interface LimitedPoints {
  /** Points to apply (0 when a limit holds the rule back). */
  points: number;
  /** Whether this counts as a use of the rule (record `occurredAt` in its usage when true). */
  counted: boolean;
  /** Why the points differ from the rule's, for the ledger. */
  note?: string;
}

/**
 * Applies `limits` to a rule that fired at `occurredAt` for `points`, given the instants at which
 * it gave points before (`usage`, any order).
 */
export function applyLimits(points: number, limits: PointsLimits | undefined, usage: readonly string[], occurredAt: string): LimitedPoints {
  if (!limits) return { points, counted: true };
  if (limits.oncePerLead && usage.length > 0) return { points: 0, counted: false, note: 'already given once' };
  if (limits.maxTimes !== undefined) {
    const now = Date.parse(occurredAt);
    const since = limits.windowDays === undefined ? -Infinity : now - limits.windowDays * DAY_MS;
    const recent = usage.filter((at) => Date.parse(at) > since && Date.parse(at) <= now).length;
    if (recent >= limits.maxTimes) {
      const window = limits.windowDays === undefined ? '' : ` in ${limits.windowDays} days`;
      return { points: 0, counted: false, note: `limit of ${limits.maxTimes}${window} reached` };
    }
  }
  if (limits.repeatBonus && usage.length > 0 && points > 0) {
    const bonus = Math.min(limits.repeatBonus * usage.length, limits.maxRepeatBonus ?? Infinity);
    return { points: points + bonus, counted: true, note: `+${bonus} repeat bonus` };
  }
  return { points, counted: true };
}

/** Usage worth keeping: entries a later `applyLimits` call could still count. */
export function pruneUsage(usage: readonly string[], limits: PointsLimits | undefined, now: string): string[] {
  if (!limits || limits.oncePerLead || limits.repeatBonus || limits.windowDays === undefined) return [...usage];
  const since = Date.parse(now) - limits.windowDays * DAY_MS;
  return usage.filter((at) => Date.parse(at) > since);
}
