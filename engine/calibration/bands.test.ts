import { describe, expect, it } from 'vitest';
import { bandLabel, bandOf, quantileCuts } from './bands';

describe('quantileCuts', () => {
  it('cuts evenly spread values into equal bands', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantileCuts(values, 4)).toEqual([26, 51, 76]);
  });

  it('collapses cuts on repeated values and never cuts at the minimum', () => {
    const visits = [...Array(50).fill(0), ...Array(30).fill(2), ...Array(20).fill(9)];
    expect(quantileCuts(visits, 5)).toEqual([2, 9]);
    expect(quantileCuts([], 5)).toEqual([]);
  });
});

describe('bandOf and bandLabel', () => {
  it('puts a value on a cut into the band above it', () => {
    expect([-1, 2, 3, 8.9, 9, 100].map((v) => bandOf([2, 9], v))).toEqual([0, 1, 1, 1, 2, 2]);
  });

  it('says the band in words', () => {
    expect([bandLabel(undefined, 2), bandLabel(2, 9.5), bandLabel(9.5, undefined)]).toEqual(['under 2', '2 to under 9.5', '9.5 or more']);
  });
});
