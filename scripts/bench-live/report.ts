/** Figures and tables for `npm run bench:live`: percentiles, number formats, aligned tables. */

/** A line of progress or result, with the time of day in front. */
export type Log = (line: string) => void;

export const log: Log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** Latencies in milliseconds at the usual percentiles (nearest rank); undefined when there are none. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** The nearest-rank percentiles of `values` (milliseconds). */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] as number };
}

/** A whole number with thousands separators. */
export const whole = (n: number) => Math.round(n).toLocaleString('en-US');

export const seconds = (ms: number) => (ms / 1000).toFixed(1);

export const percent = (part: number, of: number) => (of > 0 ? `${Math.round((part / of) * 100)} %` : 'n/a');

/** `p50 / p95 / p99` in milliseconds, or a dash. */
export const ms3 = (p: Percentiles | undefined) => (p ? `${Math.round(p.p50)} / ${Math.round(p.p95)} / ${Math.round(p.p99)}` : '-');

/** A Markdown table, columns padded so it also reads well in a terminal. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
