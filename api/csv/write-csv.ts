/**
 * Writing a CSV file (RFC 4180): every field quoted, quotes doubled, lines ended by CRLF. What
 * LeadFlow writes of its own history for calibration, read back by `parseCsv` like any export.
 */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Readonly<Record<string, string>>>): string {
  const line = (cells: readonly string[]) => cells.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(',');
  return [line(columns), ...rows.map((row) => line(columns.map((column) => row[column] ?? '')))].join('\r\n');
}
