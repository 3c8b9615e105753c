import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { buildDesign, encodeRows, standardise } from './design-matrix';

const city = [...Array(30).fill('Pune'), ...Array(25).fill('Mumbai'), 'Goa', 'Goa', 'Delhi', null, null];
const visits = [...Array(59).keys()].map((i) => (i % 10 === 9 ? Number.NaN : i % 10));
visits.push(1000);
const data: Dataset = {
  columns: [
    { name: 'city', kind: 'category', values: city },
    { name: 'visits', kind: 'number', values: Float64Array.from(visits) },
    { name: 'plan', kind: 'category', values: city.map(() => 'basic') },
  ],
  labels: new Uint8Array(60),
  sourceRows: city.map((_, i) => i),
  dropped: 0,
};
const rows = city.map((_, i) => i);

describe('buildDesign', () => {
  const design = buildDesign(data, rows, { minLevelSupport: 20, clipQuantile: 0.05 });

  it('one-hots frequent values, pools rare ones, standardises numbers and marks missing values', () => {
    const [pune, mumbai, other, cityMissing, numeric, visitsMissing, ...rest] = design.features;
    expect([pune, mumbai, other, cityMissing]).toEqual([
      { kind: 'level', column: 'city', value: 'Pune' },
      { kind: 'level', column: 'city', value: 'Mumbai' },
      { kind: 'other', column: 'city', except: ['Mumbai', 'Pune'] },
      { kind: 'missing', column: 'city' },
    ]);
    expect(numeric).toMatchObject({ kind: 'numeric', column: 'visits', lower: 0, upper: 8 });
    expect(visitsMissing).toEqual({ kind: 'missing', column: 'visits' });
    // A category with one value and nothing missing carries no information.
    expect(rest).toEqual([]);
  });

  it('encodes rows sparsely; outliers are clipped, unseen values count as other', () => {
    const encoded = encodeRows(data, [0, 55, 59, 9, 58], design);
    const dense = encoded.map((row) => {
      const out = new Array<number>(design.features.length).fill(0);
      row.indices.forEach((index, k) => (out[index] = row.values[k]!));
      return out;
    });
    const numeric = design.features[4] as Extract<(typeof design.features)[number], { kind: 'numeric' }>;
    expect(dense[0]).toEqual([1, 0, 0, 0, standardise(numeric, 0), 0]);
    expect(dense[1]).toEqual([0, 0, 1, 0, standardise(numeric, 5), 0]);
    expect(dense[2]![4]).toBe(standardise(numeric, 8));
    expect(dense[3]).toEqual([1, 0, 0, 0, 0, 1]);
    expect(dense[4]).toEqual([0, 0, 0, 1, standardise(numeric, 8), 0]);
  });

  it('refuses a design for columns the data set lacks', () => {
    expect(() => encodeRows({ ...data, columns: [] }, [0], design)).toThrow('column "city"');
  });
});
