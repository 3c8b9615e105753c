import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv, sniffDelimiter } from './read-csv';

describe('parseCsv', () => {
  it('reads a comma file with a byte-order mark and CRLF line ends', () => {
    const table = parseCsv('\uFEFFLead Source,Converted\r\nGoogle,1\r\n"Olark, Chat",0\r\n');
    expect(table).toEqual({
      columns: ['Lead Source', 'Converted'],
      rows: [
        { 'Lead Source': 'Google', Converted: '1' },
        { 'Lead Source': 'Olark, Chat', Converted: '0' },
      ],
      lines: [2, 3],
      delimiter: ',',
      problems: [],
    });
  });

  it('sniffs semicolons, tabs and pipes, ignoring delimiters inside quotes', () => {
    const semicolon = 'Source;Won;Minutes\n"a;b, c";yes;2,5\n"multi\nline";no;3\n';
    expect(parseCsv(semicolon)).toMatchObject({ delimiter: ';', rows: [{ Source: 'a;b, c', Won: 'yes', Minutes: '2,5' }, { Source: 'multi\nline' }] });
    expect(sniffDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(sniffDelimiter('a|b\n1|2\n')).toBe('|');
    expect(sniffDelimiter('"x, y";b\n"1, 2";3\n')).toBe(';');
    expect(sniffDelimiter('single\nvalue\n')).toBe(',');
  });

  it('names blank and repeated headers, and reports rows with the wrong number of fields without stopping', () => {
    const table = parseCsv(new TextEncoder().encode('City,,City\nPune,1,Goa\nbroken\nMumbai,2,Delhi\n'));
    expect(table.columns).toEqual(['City', 'Column 2', 'City (2)']);
    expect(table.rows).toEqual([
      { City: 'Pune', 'Column 2': '1', 'City (2)': 'Goa' },
      { City: 'Mumbai', 'Column 2': '2', 'City (2)': 'Delhi' },
    ]);
    expect(table.problems).toEqual([{ line: 3, message: '1 fields where the header has 3' }]);
  });

  it('takes a given delimiter, and refuses what is not CSV', () => {
    expect(parseCsv('a;b\n1;2\n', { delimiter: ',' }).columns).toEqual(['a;b']);
    expect(() => parseCsv('a,b\n"unterminated,1\n')).toThrow(/not readable as CSV/);
    expect(() => parseCsv('')).toThrow(/empty/);
  });
});

describe('readCsv', () => {
  it('reads a file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'read-csv-'));
    try {
      const file = path.join(dir, 'leads.csv');
      await writeFile(file, 'x;y\r\n1;2\r\n');
      expect(await readCsv(file)).toMatchObject({ delimiter: ';', rows: [{ x: '1', y: '2' }] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells the separator even when a broken row is among the first lines', () => {
    const table = parseCsv('Lead Id;Industry;Converted\nl1;Retail;1\nl2;Retail\nl3;Software;0\nl4;Retail;1\n');
    expect(table.delimiter).toBe(';');
    expect(table.rows.map((row) => row['Lead Id'])).toEqual(['l1', 'l3', 'l4']);
    expect(table.lines).toEqual([2, 4, 5]);
    expect(table.problems).toEqual([{ line: 3, message: '2 fields where the header has 3' }]);
  });
});
