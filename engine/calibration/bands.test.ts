import { describe, expect, it } from 'vitest';
import { ageBandLabel, ageBandOf, ageBands, bandLabel, bandOf, quantileCuts } from './bands';

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

describe('age bands', () => {
  it('ends bands at day counts a marketer reads at a glance, the upper bound included', () => {
    // Ages of 0 to 239 days, evenly: quantile cuts at 48, 96, 144, 192 move to 60, 90, 180 (144 is nearer 180 than 90).
    const ages = Array.from({ length: 2400 }, (_, i) => Math.floor(i / 10));
    const bands = ageBands(ages, 5, 30);
    expect(bands).toEqual([{ upTo: 60 }, { over: 60, upTo: 90 }, { over: 90, upTo: 180 }, { over: 180 }]);
    expect(bands.map(ageBandLabel)).toEqual(['within 60 days', '60–90 days ago', '90–180 days ago', 'more than 180 days ago']);
    const cuts = [60, 90, 180];
    expect([0, 60, 61, 90, 180, 181].map((age) => ageBandOf(cuts, age))).toEqual([0, 0, 1, 1, 2, 3]);
  });

  it('merges bands too small to give points for, and keeps one band when nothing can be told apart', () => {
    const ages = [...Array<number>(200).fill(3), ...Array<number>(10).fill(400)];
    expect(ageBands(ages, 5, 30)).toEqual([{}]);
    expect(ageBandLabel({})).toBe('any age');
  });
});
