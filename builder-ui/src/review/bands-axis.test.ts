import { describe, expect, it } from 'vitest';
import type { ScoreBand } from '../api/client';
import { bandsOnAxis, MAX_AXIS_BANDS, widthOf } from './bands-axis';

const band = (from: number, leads: number, width = 10): ScoreBand => ({ from, to: from + width, leads, reachedSql: 0, won: 0, sqlRate: 0, wonRate: 0, accepted: 0, rejected: 0, acceptanceRate: null });

describe('the review axis', () => {
  it('puts an empty band in every gap, so the scores run without a jump', () => {
    const axis = bandsOnAxis([band(10, 2), band(50, 4), band(60, 1), band(90, 3)], 10, [60]);
    expect(axis.map((b) => b.from)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(axis.map((b) => b.leads)).toEqual([2, 0, 0, 0, 4, 1, 0, 0, 3]);
    expect(axis[1]).toMatchObject({ from: 20, to: 30, leads: 0, sqlRate: null, acceptanceRate: null });
  });

  it('reaches the values drawn on it, below and above the bands', () => {
    expect(bandsOnAxis([band(50, 4)], 10, [35, 72]).map((b) => b.from)).toEqual([30, 40, 50, 60, 70]);
    expect(bandsOnAxis([band(0, 1, 25)], 25, [100]).map((b) => `${b.from}–${b.to}`)).toEqual(['0–25', '25–50', '50–75', '75–100', '100–125']);
  });

  it('stays a readable length when a value lies far off', () => {
    expect(bandsOnAxis([band(0, 1, 5)], 5, [1_000_000])).toHaveLength(MAX_AXIS_BANDS);
    expect(bandsOnAxis([], 10, [])).toEqual([]);
  });

  it('reads the band width off the answer', () => {
    expect(widthOf([band(40, 1, 25)])).toBe(25);
    expect(widthOf([])).toBe(10);
  });
});
