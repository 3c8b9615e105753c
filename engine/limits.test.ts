import { describe, expect, it } from 'vitest';
import { applyLimits, pruneUsage } from './limits';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();

describe('rule limits', () => {
  it('give points without limits every time', () => {
    expect(applyLimits(10, undefined, [day(0), day(1)], day(2))).toEqual({ points: 10, counted: true });
  });

  it('give once-per-lead points once', () => {
    expect(applyLimits(20, { oncePerLead: true }, [], day(0))).toEqual({ points: 20, counted: true });
    expect(applyLimits(20, { oncePerLead: true }, [day(0)], day(400))).toMatchObject({ points: 0, counted: false, note: 'already given once' });
  });

  it('give at most K times in a rolling window', () => {
    const limits = { maxTimes: 2, windowDays: 30 };
    expect(applyLimits(5, limits, [day(0)], day(10)).points).toBe(5);
    expect(applyLimits(5, limits, [day(0), day(10)], day(20))).toMatchObject({ points: 0, note: 'limit of 2 in 30 days reached' });
    // Day 0 has left the window by day 31.
    expect(applyLimits(5, limits, [day(0), day(10)], day(31)).points).toBe(5);
    expect(pruneUsage([day(0), day(10), day(31)], limits, day(31))).toEqual([day(10), day(31)]);
  });

  it('add a growing bonus for repeats, up to its maximum (DOMAIN.md: +5 to +10)', () => {
    const limits = { repeatBonus: 5, maxRepeatBonus: 10 };
    expect(applyLimits(20, limits, [], day(0)).points).toBe(20);
    expect(applyLimits(20, limits, [day(0)], day(1))).toMatchObject({ points: 25, note: '+5 repeat bonus' });
    expect(applyLimits(20, limits, [day(0), day(1)], day(2)).points).toBe(30);
    expect(applyLimits(20, limits, [day(0), day(1), day(2)], day(3)).points).toBe(30);
    expect(applyLimits(-10, limits, [day(0)], day(1)).points).toBe(-10);
  });
});
