import { describe, expect, it } from 'vitest';
import { closeRates, levelAssigner, supportRule } from './close-rates';
import type { Dataset } from './dataset';

/** 100 leads: source A (40, 30 converted), B (40, 10), C (5, 5), D (5, 0), missing (10, 3); visits 1..100. */
function fixture(): Dataset {
  const source: Array<string | null> = [];
  const labels: number[] = [];
  const add = (value: string | null, leads: number, converted: number) => {
    for (let i = 0; i < leads; i++) {
      source.push(value);
      labels.push(i < converted ? 1 : 0);
    }
  };
  add('A', 40, 30);
  add('B', 40, 10);
  add('C', 5, 5);
  add('D', 5, 0);
  add(null, 10, 3);
  return {
    columns: [
      { name: 'source', kind: 'category', values: source },
      { name: 'visits', kind: 'number', values: Float64Array.from(source, (_, i) => i + 1) },
    ],
    labels: Uint8Array.from(labels),
    sourceRows: labels.map((_, i) => i),
    dropped: 0,
  };
}
const all = Array.from({ length: 100 }, (_, i) => i);

describe('supportRule', () => {
  it('asks for about ten expected conversions (or non-conversions), and at least 30 leads', () => {
    expect(supportRule(0.385)).toEqual({ minSupport: 30, priorWeight: 15 });
    expect(supportRule(0.01)).toEqual({ minSupport: 1000, priorWeight: 500 });
    expect(supportRule(0.9).minSupport).toBe(100);
  });
});

describe('closeRates', () => {
  const table = closeRates(fixture(), all);

  it('gives the overall rate, and per value its close rate, smoothed rate and ratio', () => {
    expect(table).toMatchObject({ leads: 100, conversions: 48, overallRate: 0.48, minSupport: 30, priorWeight: 15 });
    const [a, b, other, missing] = table.columns[0]!.levels;
    const smoothedA = (30 + 15 * 0.48) / (40 + 15);
    expect(a).toMatchObject({ label: 'A', leads: 40, conversions: 30, closeRate: 0.75, supported: true });
    expect(a!.smoothedRate).toBeCloseTo(smoothedA, 12);
    expect(a!.ratio).toBeCloseTo(smoothedA / 0.48, 12);
    expect(b!.ratio).toBeLessThan(1);
    // C and D are too rare for levels of their own: pooled, and marked as too small for points.
    expect(other).toMatchObject({ match: { kind: 'other', except: ['A', 'B'] }, leads: 10, conversions: 5, supported: false });
    expect(missing).toMatchObject({ match: { kind: 'missing' }, label: 'missing', leads: 10, conversions: 3 });
  });

  it('bands numbers at quantiles, merging bands below the minimum support', () => {
    const visits = table.columns[1]!;
    expect(visits.levels.map((level) => [level.label, level.leads])).toEqual([
      ['under 41', 40],
      ['41 or more', 60],
    ]);
    expect(closeRates(fixture(), all, { minSupport: 20 }).columns[1]!.levels.map((level) => level.leads)).toEqual([20, 20, 20, 20, 20]);
  });

  it('assigns rows, unseen values included, to the levels', () => {
    const data = fixture();
    const source = data.columns[0]!;
    const assign = levelAssigner(source, table.columns[0]!.levels.map((level) => level.match));
    (source.values as Array<string | null>)[0] = 'Never seen';
    expect([0, 1, 45, 82, 95].map(assign)).toEqual([2, 0, 1, 2, 3]);
  });
});
