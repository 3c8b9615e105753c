import { describe, expect, it } from 'vitest';
import { buildDataset, presentNumbers } from './dataset';

const rows = [
  { Won: 'yes', Visits: '3', City: 'Pune' },
  { Won: 'No', Visits: 'Select', City: ' Mumbai ' },
  { Won: '', Visits: '4', City: 'Pune' },
  { Won: 'YES', Visits: '2,5', City: '' },
  { Won: 'maybe', Visits: '1', City: 'Pune' },
];

describe('buildDataset', () => {
  it('types columns, marks missing values and reads the outcome, dropping rows without one', () => {
    const data = buildDataset(rows, { outcome: 'Won', columns: { Visits: 'number', City: 'category' } });
    expect(Array.from(data.labels)).toEqual([1, 0, 1]);
    expect(data.sourceRows).toEqual([0, 1, 3]);
    expect(data.dropped).toBe(2);
    const [visits, city] = data.columns;
    expect(visits!.kind).toBe('number');
    expect(Array.from(visits!.values as Float64Array)).toEqual([3, Number.NaN, 2.5]);
    expect(city!.values).toEqual(['Pune', 'Mumbai', null]);
    expect(presentNumbers(visits as Extract<typeof visits, { kind: 'number' }>, [0, 1, 2])).toEqual([3, 2.5]);
  });

  it('takes the outcome values it is told', () => {
    const data = buildDataset([{ Stage: 'Closed Won' }, { Stage: 'Closed Lost' }], { outcome: 'Stage', columns: {}, positiveValues: ['closed won'], negativeValues: ['Closed Lost'] });
    expect(Array.from(data.labels)).toEqual([1, 0]);
  });

  it('names what is wrong', () => {
    expect(() => buildDataset(rows, { outcome: 'Converted', columns: {} })).toThrow('no outcome column "Converted"');
    expect(() => buildDataset(rows, { outcome: 'Won', columns: { Country: 'category' } })).toThrow('no column "Country"');
    expect(() => buildDataset([{ Stage: 'Closed Won' }], { outcome: 'Stage', columns: {} })).toThrow(/values seen: "Closed Won"/);
  });
});
