import { describe, expect, it } from 'vitest';
import type { SparseRow } from './design-matrix';
import { fitLogistic, logOdds, sigmoid, type FitProgress } from './logistic-regression';
import { mulberry32 } from './split';

const row = (pairs: Array<[number, number]>): SparseRow => ({ indices: Int32Array.from(pairs.map(([i]) => i)), values: Float64Array.from(pairs.map(([, v]) => v)) });
const logit = (p: number) => Math.log(p / (1 - p));

describe('fitLogistic', () => {
  it('finds the closed-form answer for one binary feature: the log-odds of each group', () => {
    // Without the feature 20 of 100 convert; with it 70 of 100.
    const rows = [...Array(100).fill(row([])), ...Array(100).fill(row([[0, 1]]))];
    const labels = [...Array(100).keys()].map((i) => (i < 20 ? 1 : 0)).concat([...Array(100).keys()].map((i) => (i < 70 ? 1 : 0)));
    const fit = fitLogistic(rows, labels, 1, { l2: 1e-8 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(logit(0.2), 5);
    expect(fit.weights[0]).toBeCloseTo(logit(0.7) - logit(0.2), 5);
    expect(sigmoid(logOdds(fit, row([[0, 1]])))).toBeCloseTo(0.7, 6);
  });

  it('recovers the coefficients that generated the data', () => {
    const random = mulberry32(5);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const rows: SparseRow[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = [normal(), normal(), random() < 0.3 ? 1 : 0];
      const z = -1 + 2 * x[0]! - 1 * x[1]! + 0.5 * x[2]!;
      rows.push(row(x.map((v, j): [number, number] => [j, v]).filter(([, v]) => v !== 0)));
      labels.push(random() < sigmoid(z) ? 1 : 0);
    }
    const fit = fitLogistic(rows, labels, 3, { l2: 1 });
    expect(fit.intercept).toBeCloseTo(-1, 1);
    expect(Array.from(fit.weights).map((w) => Math.round(w * 10) / 10)).toEqual([2, -1, 0.5]);
  });

  it('keeps weights finite when a feature separates the outcomes, shrinking more with a larger penalty', () => {
    const rows = [...Array(50).fill(row([[0, 1]])), ...Array(50).fill(row([]))];
    const labels = [...Array(50).fill(1), ...Array(50).fill(0)];
    const mild = fitLogistic(rows, labels, 1, { l2: 1 });
    const strong = fitLogistic(rows, labels, 1, { l2: 10 });
    expect(mild.converged).toBe(true);
    expect(Number.isFinite(mild.weights[0]!)).toBe(true);
    expect(Math.abs(strong.weights[0]!)).toBeLessThan(Math.abs(mild.weights[0]!));
  });

  it('is deterministic, reports progress after every iteration, and refuses bad input', () => {
    const rows = [row([[0, 1]]), row([[1, 2]]), row([[0, 1], [1, -1]]), row([])];
    const labels = [1, 0, 1, 0];
    const progress: FitProgress[] = [];
    const fit = fitLogistic(rows, labels, 2, { onProgress: (p) => progress.push(p) });
    expect(fitLogistic(rows, labels, 2)).toEqual(fit);
    expect(progress.map((p) => p.iteration)).toEqual([...Array(fit.iterations).keys()].map((i) => i + 1));
    expect(progress.at(-1)!.loss).toBeCloseTo(fit.loss, 12);
    expect(() => fitLogistic(rows, [1], 2)).toThrow(/4 rows but 1 labels/);
    expect(() => fitLogistic(rows, labels, 2, { l2: 0 })).toThrow(/l2/);
  });
});
