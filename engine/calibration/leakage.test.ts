import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { buildDataset } from './dataset';
import { detectLeakage, informationValueOf, outcomeAliases, wilson } from './leakage';
import { DEFAULT_MISSING_TOKENS, missingTest } from './profile-columns';
import { mulberry32, stratifiedSplit } from './split';

/**
 * 3,000 synthetic leads, 30 % converting. `source` and `visits` are honest, mildly predictive
 * attributes; `form` is half empty at random. `status` is written by sales after the call (it
 * all but names the outcome); `rating` is filled in mostly for leads that converted.
 */
function leads(): Dataset {
  const random = mulberry32(11);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const source: string[] = [];
  const visits: number[] = [];
  const form: Array<string | null> = [];
  const status: string[] = [];
  const rating: Array<string | null> = [];
  const labels: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const s = pick(['Google', 'Referral', 'Direct']);
    const v = Math.floor(random() * 10);
    const rate = { Google: 0.25, Referral: 0.45, Direct: 0.2 }[s]! + (v - 4.5) * 0.01;
    const converted = random() < rate ? 1 : 0;
    source.push(s);
    visits.push(v);
    labels.push(converted);
    form.push(random() < 0.5 ? null : pick(['short', 'long']));
    status.push(converted ? (random() < 0.9 ? 'Closed won' : 'Will revert') : pick(['Not interested', 'Ringing', 'Ringing', 'Will revert']));
    rating.push(random() < (converted ? 0.8 : 0.3) ? (converted ? pick(['Hot', 'Hot', 'Warm']) : pick(['Cold', 'Warm', 'Cold'])) : null);
  }
  return {
    columns: [
      { name: 'source', kind: 'category', values: source },
      { name: 'visits', kind: 'number', values: Float64Array.from(visits) },
      { name: 'form', kind: 'category', values: form },
      { name: 'status', kind: 'category', values: status },
      { name: 'rating', kind: 'category', values: rating },
    ],
    labels: Uint8Array.from(labels),
    sourceRows: labels.map((_, i) => i),
    dropped: 0,
  };
}

describe('detectLeakage', () => {
  const data = leads();
  const report = detectLeakage(data, stratifiedSplit(data.labels, { seed: 1 }));
  const byColumn = Object.fromEntries(report.columns.map((c) => [c.column, c]));

  it('flags the columns written after the outcome, and only those', () => {
    expect(report.flagged).toEqual(['status', 'rating']);
  });

  it('says why, with the measurements', () => {
    expect(byColumn.status!.reasons.join('\n')).toMatch(/information value .* AUC of 0\.9\d\d .* all but decide the outcome \(.*"Closed won" 100 %/s);
    expect(byColumn.rating!.reasons.join('\n')).toMatch(/no value, and they convert at/);
    expect(byColumn.source).toMatchObject({ flagged: false, reasons: [], warnings: [] });
    expect(byColumn.source!.holdoutAuc).toBeGreaterThan(0.55);
    expect(byColumn.source!.informationValue).toBeLessThan(0.5);
    expect(byColumn.form).toMatchObject({ flagged: false, warnings: [] });
    expect(byColumn.form!.missingShare).toBeCloseTo(0.5, 1);
  });

  it('takes other bars', () => {
    const strict = detectLeakage(data, stratifiedSplit(data.labels, { seed: 1 }), { informationValue: 0.1, auc: 0.99, deterministicShare: 1 });
    expect(strict.flagged).toContain('source');
  });
});

describe('informationValueOf and wilson', () => {
  it('is 0 for a level mix that does not move the odds, and grows with separation', () => {
    expect(informationValueOf([{ leads: 100, conversions: 50 }, { leads: 100, conversions: 50 }], 100, 100)).toBeCloseTo(0, 12);
    const weak = informationValueOf([{ leads: 100, conversions: 60 }, { leads: 100, conversions: 40 }], 100, 100);
    const strong = informationValueOf([{ leads: 100, conversions: 95 }, { leads: 100, conversions: 5 }], 100, 100);
    expect(weak).toBeGreaterThan(0);
    expect(strong).toBeGreaterThan(10 * weak);
  });

  it('gives the Wilson interval', () => {
    const half = wilson(5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
    expect(wilson(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.2775, 4) });
  });
});

describe('outcomeAliases', () => {
  it('names a column filled in only for converted leads (or only for the others) as an alias of the outcome', () => {
    const random = mulberry32(2);
    const rows = Array.from({ length: 500 }, (_, i) => {
      const won = random() < 0.2;
      return { Won: won ? 'yes' : 'no', Opportunity: won ? `OPP-${i}` : '', 'Lost reason': won ? '' : 'Price', Notes: random() < 0.5 ? 'call back' : '' };
    });
    const dataset = buildDataset(rows, { outcome: { column: 'Won' }, columns: {} });
    const aliases = outcomeAliases(rows, dataset, ['Opportunity', 'Lost reason', 'Notes'], missingTest(DEFAULT_MISSING_TOKENS));
    expect(aliases.map((a) => a.column)).toEqual(['Opportunity', 'Lost reason']);
    expect(aliases[0]!.reason).toMatch(/^an alias of the outcome: filled in for 100 % of the converted leads and 0 % of the others/);
  });
});
