/**
 * The header of a CSV export, read in the browser before anything is uploaded, so that the user
 * can name the outcome column from the file's own columns. The separator and the header names
 * are told by the same rules as the API's (rules/csv-header.ts).
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { chooseDelimiter, CSV_DELIMITERS, headerNames, SNIFF_LINES } from '../../../rules/csv-header';

export const SEPARATORS = CSV_DELIMITERS;

/** The first lines are enough, and a 20 MB file need not be parsed in full to show its header. */
const SNIFF_CHARS = 64 * 1024;

export interface CsvHeader {
  columns: string[];
  separator: string;
}

/**
 * @throws Error when the text has no header line.
 */
export function readHeader(text: string, separator?: string): CsvHeader {
  const head = text.replace(/^\uFEFF/, '').slice(0, SNIFF_CHARS);
  const chosen = separator ?? chooseDelimiter((candidate) => records(head, candidate));
  const [first] = records(head, chosen) ?? [];
  if (!first || first.every((cell) => cell.trim() === '')) throw new Error('The file has no header line');
  return { columns: headerNames(first), separator: chosen };
}

/** The column that most likely holds the outcome, or '' when none looks like one. */
export function guessOutcome(columns: readonly string[]): string {
  const exact = columns.find((column) => /^(converted|conversion|outcome|won|enrolled|closed|result|is ?customer)$/i.test(column.trim()));
  return exact ?? columns.find((column) => /convert|outcome|enrol|closed.?won/i.test(column)) ?? '';
}

function records(text: string, separator: string): string[][] | undefined {
  try {
    return parse(text, { delimiter: separator, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to_line: SNIFF_LINES }) as string[][];
  } catch {
    return undefined;
  }
}
