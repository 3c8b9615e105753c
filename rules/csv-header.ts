/**
 * How LeadFlow reads the header of a CSV export, the same in the API (api/csv/read-csv.ts) and
 * in the browser (builder-ui's calibration screen), so that the columns the user picks from are
 * the columns the API will name. Parsing itself stays with each side's build of csv-parse: these
 * functions take what it read.
 */

/** The delimiters an export may use, in the order they are tried. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

/** The first lines are enough to tell the delimiter. */
export const SNIFF_LINES = 20;

/**
 * The delimiter that splits the first lines (most of them) into the header's number of fields,
 * as many as possible; comma when none splits consistently. `firstRecords` reads the first
 * SNIFF_LINES lines with a delimiter (quotes respected, so a `;` inside a quoted field does not
 * count), or gives undefined when they cannot be read with it.
 */
export function chooseDelimiter(firstRecords: (delimiter: string) => string[][] | undefined): string {
  let best: { delimiter: string; fields: number } = { delimiter: ',', fields: 1 };
  for (const delimiter of CSV_DELIMITERS) {
    const records = firstRecords(delimiter);
    if (!records) continue;
    const fields = records[0]?.length ?? 0;
    // The last line read may be cut inside a quoted field: judge the complete ones. An export
    // may have a broken row among its first lines: most of them agreeing with the header is enough.
    const complete = records.length === 1 ? records : records.slice(0, -1);
    const consistent = complete.filter((record) => record.length === fields).length >= Math.ceil(complete.length * 0.75);
    if (consistent && fields > best.fields) best = { delimiter, fields };
  }
  return best.delimiter;
}

/** Header names: trimmed; a blank one becomes "Column N", a repeated one "Name (2)". */
export function headerNames(cells: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return cells.map((cell, i) => {
    const name = cell.trim() || `Column ${i + 1}`;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}
