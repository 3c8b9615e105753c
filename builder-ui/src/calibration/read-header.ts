/**
 * The header of a CSV export, read in the browser before anything is uploaded, so that the user
 * can name the outcome column from the file's own columns. The separator is told the way the API
 * tells it (api/csv/read-csv.ts): the one that splits most of the first lines into the header's
 * number of fields, as many as possible; header names are trimmed, a blank one becomes
 * "Column N" and a repeated one "Name (2)", as the API names them.
 */
import { parse } from 'csv-parse/browser/esm/sync';

export const SEPARATORS = [',', ';', '\t', '|'] as const;

/** The first lines are enough, and a 20 MB file need not be parsed in full to show its header. */
const SNIFF_CHARS = 64 * 1024;
const SNIFF_LINES = 20;

export interface CsvHeader {
  columns: string[];
  separator: string;
}

/**
 * @throws Error when the text has no header line.
 */
export function readHeader(text: string, separator?: string): CsvHeader {
  const head = text.replace(/^\uFEFF/, '').slice(0, SNIFF_CHARS);
  const chosen = separator ?? sniff(head);
  const [first] = records(head, chosen);
  if (!first || first.every((cell) => cell.trim() === '')) throw new Error('The file has no header line');
  return { columns: headerNames(first), separator: chosen };
}

/** The column that most likely holds the outcome, or '' when none looks like one. */
export function guessOutcome(columns: readonly string[]): string {
  const exact = columns.find((column) => /^(converted|conversion|outcome|won|enrolled|closed|result|is ?customer)$/i.test(column.trim()));
  return exact ?? columns.find((column) => /convert|outcome|enrol|closed.?won/i.test(column)) ?? '';
}

function sniff(text: string): string {
  let best = { separator: ',', fields: 1 };
  for (const separator of SEPARATORS) {
    const found = records(text, separator);
    const fields = found[0]?.length ?? 0;
    // The last line read may be cut short: judge the complete ones.
    const complete = found.length === 1 ? found : found.slice(0, -1);
    const consistent = complete.filter((record) => record.length === fields).length >= Math.ceil(complete.length * 0.75);
    if (consistent && fields > best.fields) best = { separator, fields };
  }
  return best.separator;
}

function records(text: string, separator: string): string[][] {
  try {
    return parse(text, { delimiter: separator, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, to_line: SNIFF_LINES }) as string[][];
  } catch {
    return [];
  }
}

function headerNames(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, i) => {
    const name = cell.trim() || `Column ${i + 1}`;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}
