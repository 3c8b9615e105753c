import { describe, expect, it } from 'vitest';
import { buildDataset, foldText, presentNumbers } from './dataset';

const rows = [
  { Won: 'yes', Visits: '3', City: 'Pune' },
  { Won: 'No', Visits: 'Select', City: ' Mumbai ' },
  { Won: '', Visits: '4', City: 'Pune' },
  { Won: 'YES', Visits: '2,5', City: '' },
  { Won: 'no', Visits: '1', City: 'Pune' },
];

describe('buildDataset', () => {
  it('types columns, marks missing values and reads the outcome, dropping rows without one', () => {
    const data = buildDataset(rows, { outcome: { column: 'Won' }, columns: { Visits: 'number', City: 'category' } });
    expect(Array.from(data.labels)).toEqual([1, 0, 1, 0]);
    expect(data.sourceRows).toEqual([0, 1, 3, 4]);
    expect(data.dropped).toBe(1);
    const [visits, city] = data.columns;
    expect(visits!.kind).toBe('number');
    expect(Array.from(visits!.values as Float64Array)).toEqual([3, Number.NaN, 2.5, 1]);
    expect(city!.values).toEqual(['Pune', 'Mumbai', null, 'Pune']);
    expect(presentNumbers(visits as Extract<typeof visits, { kind: 'number' }>, [0, 1, 2])).toEqual([3, 2.5]);
  });

  it('reads every spelling of a value as its most common one, and keeps the spellings', () => {
    const titles = ['C-Level', 'C - Level', 'c-level', 'C-Level', 'CXO', 'vp', 'V.P.', 'VP', 'VP'];
    const data = buildDataset(
      titles.map((title, i) => ({ Title: title, Won: i % 2 === 0 ? 'yes' : 'no' })),
      { outcome: { column: 'Won' }, columns: { Title: 'category' } },
    );
    const [title] = data.columns;
    expect(title!.values).toEqual(['C-Level', 'C-Level', 'C-Level', 'C-Level', 'CXO', 'VP', 'VP', 'VP', 'VP']);
    expect(title?.kind === 'category' && Object.fromEntries(title.spellings!)).toEqual({ 'C-Level': ['C - Level', 'C-Level', 'c-level'], VP: ['V.P.', 'VP', 'vp'] });
    expect(foldText('  Café – Bar ')).toBe('cafebar');
  });

  it('names what is wrong', () => {
    expect(() => buildDataset(rows, { outcome: { column: 'Converted' }, columns: {} })).toThrow('no column "Converted" to read the outcome from (columns: Won, Visits, City)');
    expect(() => buildDataset(rows, { outcome: { column: 'Won' }, columns: { Country: 'category' } })).toThrow('no column "Country"');
  });
});
