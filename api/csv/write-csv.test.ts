import { describe, expect, it } from 'vitest';
import { parseCsv } from './read-csv';
import { toCsv } from './write-csv';

describe('toCsv', () => {
  it('writes what parseCsv reads back: quotes, separators, line breaks and empty cells', () => {
    const rows = [
      { name: 'Wertheim "Logistik" GmbH', note: 'a, b; c', Converted: 'yes' },
      { name: 'two\nlines', note: '', Converted: 'no' },
    ];
    const table = parseCsv(toCsv(['name', 'note', 'Converted'], rows), { delimiter: ',' });
    expect(table.columns).toEqual(['name', 'note', 'Converted']);
    expect(table.rows).toEqual(rows);
    expect(table.problems).toEqual([]);
  });
});
