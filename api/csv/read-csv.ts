/**
 * Reading a CSV export into header → cell rows: the delimiter sniffed (`,` `;` tab `|`) unless
 * given, a byte-order mark dropped, CRLF or LF line ends, quoted fields (with delimiters and line
 * breaks inside) handled by csv-parse. A row with the wrong number of fields is reported with
 * its line and skipped; it never stops the others.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { chooseDelimiter, CSV_DELIMITERS, headerNames, SNIFF_LINES } from '../../rules/csv-header';

export const DELIMITERS = CSV_DELIMITERS;

export interface CsvTable {
  /** Header names, trimmed; a blank one becomes "Column N", a repeated one "Name (2)". */
  columns: string[];
  rows: Array<Record<string, string>>;
  /** The line each row starts on (1 = the header), for reporting problems with a row. */
  lines: number[];
  delimiter: string;
  /** Rows that were skipped, by line number in the file (1 = the header). */
  problems: Array<{ line: number; message: string }>;
}

export interface CsvOptions {
  /** One character; sniffed from the first lines when absent. */
  delimiter?: string;
}

/**
 * Parses CSV text (or UTF-8 bytes).
 * @throws Error when the text is not CSV at all (an unterminated quote) or has no header.
 */
export function parseCsv(input: string | Uint8Array, options: CsvOptions = {}): CsvTable {
  const text = (typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input)).replace(/^\uFEFF/, '');
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (err) {
    throw new Error(`parseCsv: not readable as CSV with "${printable(delimiter)}" between fields: ${(err as Error).message}`);
  }
  const [header, ...body] = records;
  if (!header) throw new Error('parseCsv: the file is empty');
  const columns = headerNames(header.record);
  const rows: CsvTable['rows'] = [];
  const lines: number[] = [];
  const problems: CsvTable['problems'] = [];
  for (const { record, info } of body) {
    if (record.length !== columns.length) {
      problems.push({ line: info.lines, message: `${record.length} fields where the header has ${columns.length}` });
      continue;
    }
    const row: Record<string, string> = {};
    columns.forEach((column, i) => (row[column] = record[i] as string));
    rows.push(row);
    lines.push(info.lines);
  }
  return { columns, rows, lines, delimiter, problems };
}

/** Reads and parses a CSV file. */
export async function readCsv(path: string, options: CsvOptions = {}): Promise<CsvTable> {
  return parseCsv(await readFile(path), options);
}

/** The delimiter that splits the first lines into the header's fields (rules/csv-header.ts). */
export function sniffDelimiter(text: string): string {
  const head = text.replace(/^\uFEFF/, '');
  return chooseDelimiter((delimiter) => {
    try {
      return parse(head, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to_line: SNIFF_LINES }) as string[][];
    } catch {
      return undefined;
    }
  });
}

function printable(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : delimiter;
}
