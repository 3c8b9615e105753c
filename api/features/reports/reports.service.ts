import type { LeadRepository } from '../../db/leads.repository';
import type { FunnelGrouping } from '../../contracts/reports.contract';
import { funnel, gradeCounts, histogram, type DayRange, type HandoffRow, type LeadRow } from './lead-stats';

/** The funnel MQL → SAL → SQL → won with conversion, acceptance and time to SQL, per group; within a range of days, what happened in it. */
export async function funnelReport(leads: LeadRepository, by: FunnelGrouping, range: DayRange = {}) {
  const [rows, handoffs] = await Promise.all([collect(leads.scanReportRows()), collect(leads.scanHandoffRows())]);
  return { by, from: range.from ?? null, to: range.to ?? null, generatedAt: new Date().toISOString(), groups: funnel(rows, handoffs, by, range) };
}

/** How many leads have which score, in bands. */
export async function scoreReport(leads: LeadRepository, query: { score: string; bandWidth: number; segment?: string | undefined }) {
  const values: number[] = [];
  for await (const row of leads.scanReportRows(query.segment)) values.push(query.score === 'total' ? row.total : (row.scores[query.score] ?? 0));
  return { score: query.score, bandWidth: query.bandWidth, segment: query.segment ?? null, leads: values.length, bands: histogram(values, query.bandWidth) };
}

/** Leads per grade, and as the A–D × 1–4 matrix a heatmap draws. */
export async function gradeReport(leads: LeadRepository, segment?: string) {
  const counts = gradeCounts(await collect(leads.scanReportRows(segment)));
  const matrix = ['A', 'B', 'C', 'D'].map((fit) => [1, 2, 3, 4].map((engagement) => counts[`${fit}${engagement}`] ?? 0));
  return { segment: segment ?? null, counts, matrix, ungraded: counts.none ?? 0 };
}

export async function collect<T extends LeadRow | HandoffRow>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}
