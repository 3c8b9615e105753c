import { describe, expect, it } from 'vitest';
import { atThreshold, conversionByBand, liftTable, quantileEdges, rocAuc } from './metrics';
import { mulberry32 } from './split';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when all scores tie', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([5, 5, 5, 5], [0, 1, 0, 1])).toBe(0.5);
  });

  it('counts pairs, ties as half', () => {
    // Positives 3 and 2, negatives 2 and 1: pairs (3>2) (3>1) (2=2 → ½) (2>1) = 3.5 of 4.
    expect(rocAuc([3, 2, 2, 1], [1, 1, 0, 0])).toBe(0.875);
  });

  it('is about 0.5 for a random score, and NaN without both outcomes', () => {
    const random = mulberry32(3);
    const scores = Array.from({ length: 20_000 }, () => random());
    const labels = scores.map(() => (random() < 0.4 ? 1 : 0));
    expect(rocAuc(scores, labels)).toBeCloseTo(0.5, 1);
    expect(rocAuc([1, 2], [1, 1])).toBeNaN();
  });
});

describe('conversion by band, lift and thresholds', () => {
  // Scores 0..9; leads scoring 7 or more converted, and one lead scoring 2.
  const scores = Array.from({ length: 10 }, (_, i) => i);
  const labels = scores.map((s) => (s >= 7 || s === 2 ? 1 : 0));

  it('counts conversions per band', () => {
    expect(conversionByBand(scores, labels, [0, 5, 8]).map((b) => [b.label, b.leads, b.conversions, b.rate])).toEqual([
      ['0 to under 5', 5, 1, 0.2],
      ['5 to under 8', 3, 1, 1 / 3],
      ['8 or more', 2, 2, 1],
    ]);
    expect(conversionByBand(scores, labels, [0, 5, 8])[2]!.lift).toBeCloseTo(1 / 0.4, 12);
    expect(quantileEdges(scores, 5)).toEqual([0, 2, 4, 6, 8]);
  });

  it('ranks groups from the top', () => {
    const lift = liftTable(scores, labels, 5);
    expect(lift.map((row) => [row.group, row.leads, row.conversions])).toEqual([
      [1, 2, 2],
      [2, 2, 1],
      [3, 2, 0],
      [4, 2, 1],
      [5, 2, 0],
    ]);
    expect(lift[0]).toMatchObject({ rate: 1, lift: 2.5, cumulativeRate: 1, capture: 0.5 });
    expect(lift[1]!.cumulativeRate).toBe(0.75);
    expect(lift[4]!.capture).toBe(1);
  });

  it('gives precision and recall at a threshold', () => {
    expect(atThreshold(scores, labels, 7)).toEqual({ threshold: 7, selected: 3, share: 0.3, converted: 3, precision: 1, recall: 0.75 });
    expect(atThreshold(scores, labels, 2)).toMatchObject({ selected: 8, converted: 4, precision: 0.5, recall: 1 });
  });
});
