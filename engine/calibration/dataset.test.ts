import { describe, expect, it } from 'vitest';
import { buildDataset, dateOfAge, foldText, newestDate, presentNumbers } from './dataset';

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

describe('date columns', () => {
  const dated = [
    { Won: 'yes', 'Last Activity': '2024-03-31', Created: '20240101' },
    { Won: 'no', 'Last Activity': '20240301', Created: '20240402' },
    { Won: 'no', 'Last Activity': '', Created: '20240115' },
    { Won: 'yes', 'Last Activity': '2024-03-30T18:00:00Z', Created: '20240110' },
  ];

  it('reads a date as its age in days on the newest date of the date columns, never as the date itself', () => {
    const data = buildDataset(dated, { outcome: { column: 'Won' }, columns: { 'Last Activity': 'date' } });
    expect(data.asOf).toBe(Date.UTC(2024, 2, 31) / 86_400_000);
    expect(data.columns[0]!.kind).toBe('date');
    expect(Array.from(data.columns[0]!.values as Float64Array)).toEqual([0, 30, Number.NaN, 1]);
    expect(dateOfAge(data.asOf!, 30)).toBe('2024-03-01');
  });

  it('counts to the day it is given; a date after it has no age yet', () => {
    const asOf = newestDate(dated, ['Last Activity', 'Created']);
    expect(asOf).toBe(Date.UTC(2024, 3, 2) / 86_400_000);
    const data = buildDataset(dated, { outcome: { column: 'Won' }, columns: { 'Last Activity': 'date' }, asOf: Date.UTC(2024, 2, 15) / 86_400_000 });
    expect(Array.from(data.columns[0]!.values as Float64Array)).toEqual([Number.NaN, 14, Number.NaN, Number.NaN]);
  });
});
