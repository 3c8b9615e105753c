import { describe, expect, it } from 'vitest';
import { mulberry32, stratifiedSplit } from './split';

const labels = Array.from({ length: 1000 }, (_, i) => (i % 5 === 0 ? 1 : 0));
const rate = (rows: number[]) => rows.reduce((sum, row) => sum + labels[row]!, 0) / rows.length;

describe('stratifiedSplit', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(stratifiedSplit(labels, { seed: 7 })).toEqual(stratifiedSplit(labels, { seed: 7 }));
    expect(stratifiedSplit(labels, { seed: 7 }).holdout).not.toEqual(stratifiedSplit(labels, { seed: 8 }).holdout);
  });

  it('covers every row once and keeps the close rate in both parts', () => {
    const { train, holdout } = stratifiedSplit(labels, { holdoutShare: 0.3 });
    expect([...train, ...holdout].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(holdout).toHaveLength(300);
    expect(rate(train)).toBe(0.2);
    expect(rate(holdout)).toBe(0.2);
  });

  it('keeps both outcomes on both sides, even when one is rare', () => {
    const rare = Array.from({ length: 100 }, (_, i) => (i < 2 ? 1 : 0));
    const { train, holdout } = stratifiedSplit(rare, { holdoutShare: 0.1 });
    expect(train.filter((row) => rare[row] === 1)).toHaveLength(1);
    expect(holdout.filter((row) => rare[row] === 1)).toHaveLength(1);
  });

  it('refuses a share outside (0, 1) and a single outcome', () => {
    expect(() => stratifiedSplit(labels, { holdoutShare: 1 })).toThrow(/holdoutShare/);
    expect(() => stratifiedSplit([0, 0, 0, 1])).toThrow(/outcome 1/);
  });
});

describe('mulberry32', () => {
  it('is reproducible and spreads over [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const draws = Array.from({ length: 10_000 }, () => a());
    expect(draws.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, x) => s + x, 0) / draws.length).toBeCloseTo(0.5, 1);
  });
});
