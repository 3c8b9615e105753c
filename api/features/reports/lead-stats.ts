/**
 * The numbers behind reports and threshold reviews, computed in one pass over lead summaries.
 * Plain functions over plain rows: the repository streams the rows, these add them up. (Counts
 * could be MongoDB aggregations, but medians and "reached this stage" per lead cannot be within
 * the aggregation subset FerretDB supports, so one pass does it all.)
 */
import { foldText, normaliseValue } from '../../../engine/normalise-attributes';
import type { Stage } from '../../../engine/types';
import type { FunnelGrouping } from '../../contracts/reports.contract';

/** What reports read of a lead. */
export interface LeadRow {
  leadId: string;
  segment: string | null;
  modelVersion: number | null;
  source?: string;
  industry?: string;
  stage: Stage;
  scores: Record<string, number>;
  total: number;
  grade: string | null;
  stageHistory: Array<{ stage: Stage; at: string }>;
}

/** What reports read of a handoff. */
export interface HandoffRow {
  leadId: string;
  status: 'pending' | 'accepted' | 'rejected' | 'expired' | 'withdrawn';
  score: number;
  /** When sales answered (or the handoff otherwise closed). */
  decidedAt?: string;
}

/** A period of whole days, UTC, both ends included (YYYY-MM-DD); an end left out is open. */
export interface DayRange {
  from?: string | undefined;
  to?: string | undefined;
}

/** Whether the instant `at` falls within `range`. */
export function inRange(at: string, range: DayRange): boolean {
  const day = new Date(at).toISOString().slice(0, 10);
  return (range.from === undefined || day >= range.from) && (range.to === undefined || day <= range.to);
}


export interface FunnelGroup {
  key: string;
  leads: number;
  /** Leads that reached each stage at least once. */
  reached: { mql: number; sal: number; sql: number; won: number };
  /** Share of the leads that reached a stage which went on to the next; null with none to divide by. */
  conversion: { mqlToSal: number | null; salToSql: number | null; sqlToWon: number | null; mqlToWon: number | null };
  /** Handoffs sales answered: accepted / (accepted + rejected). */
  acceptance: { accepted: number; rejected: number; rate: number | null };
  /** Median hours from a lead's first MQL to its first SQL after it, over the leads that got there. */
  medianHoursMqlToSql: number | null;
}

/**
 * Funnel counts, conversion, acceptance and time to SQL, per group of `by`. Within a `range`
 * (a quarter under review), what happened in it: the leads with a stage change in it, the stages
 * reached in it, the answers given in it, and the times to SQL of the SQLs in it.
 */
export function funnel(leads: Iterable<LeadRow>, handoffs: Iterable<HandoffRow>, by: FunnelGrouping, range: DayRange = {}): FunnelGroup[] {
  const bounded = range.from !== undefined || range.to !== undefined;
  const groups = new Map<string, { leads: number; mql: number; sal: number; sql: number; won: number; accepted: number; rejected: number; hours: number[] }>();
  const groupOfLead = new Map<string, string>();
  const groupNamed = (key: string) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { leads: 0, mql: 0, sal: 0, sql: 0, won: 0, accepted: 0, rejected: 0, hours: [] }));
    return group;
  };
  for (const lead of leads) {
    const changes = bounded ? lead.stageHistory.filter((change) => inRange(change.at, range)) : lead.stageHistory;
    if (bounded && changes.length === 0) continue;
    const key = groupKey(lead, by);
    groupOfLead.set(lead.leadId, key);
    const group = groupNamed(key);
    group.leads += 1;
    const reached = new Set(changes.map((change) => change.stage));
    if (reached.has('mql')) group.mql += 1;
    if (reached.has('sal')) group.sal += 1;
    if (reached.has('sql')) group.sql += 1;
    if (reached.has('customer')) group.won += 1;
    const hours = hoursMqlToSql(lead.stageHistory, bounded ? range : undefined);
    if (hours !== undefined) group.hours.push(hours);
  }
  for (const handoff of handoffs) {
    const key = groupOfLead.get(handoff.leadId);
    if (key === undefined) continue;
    if (bounded && (handoff.decidedAt === undefined || !inRange(handoff.decidedAt, range))) continue;
    const group = groupNamed(key);
    if (handoff.status === 'accepted') group.accepted += 1;
    if (handoff.status === 'rejected') group.rejected += 1;
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, g]) => ({
      key,
      leads: g.leads,
      reached: { mql: g.mql, sal: g.sal, sql: g.sql, won: g.won },
      conversion: { mqlToSal: rate(g.sal, g.mql), salToSql: rate(g.sql, g.sal), sqlToWon: rate(g.won, g.sql), mqlToWon: rate(g.won, g.mql) },
      acceptance: { accepted: g.accepted, rejected: g.rejected, rate: rate(g.accepted, g.accepted + g.rejected) },
      medianHoursMqlToSql: median(g.hours),
    }));
}

export interface Band {
  from: number;
  /** Exclusive, except for the last band. */
  to: number;
  leads: number;
}

/** How many leads have each score, in bands of `width` starting at a multiple of it. */
export function histogram(values: Iterable<number>, width: number): Band[] {
  const counts = new Map<number, number>();
  for (const value of values) {
    const from = Math.floor(value / width) * width;
    counts.set(from, (counts.get(from) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a - b).map(([from, leads]) => ({ from, to: from + width, leads }));
}

/** Leads per grade A1…D4 (and "none" for leads without one). */
export function gradeCounts(leads: Iterable<Pick<LeadRow, 'grade'>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const lead of leads) counts[lead.grade ?? 'none'] = (counts[lead.grade ?? 'none'] ?? 0) + 1;
  return counts;
}

export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return Math.round(value * 100) / 100;
}

function groupKey(lead: LeadRow, by: FunnelGrouping): string {
  switch (by) {
    case 'none':
      return 'all';
    case 'segment':
      return lead.segment ?? '(none)';
    // Grouped as rules read them: "Software" and "software " are one group, "SaaS" joins "software".
    case 'source':
      return lead.source === undefined ? '(unknown)' : foldText(normaliseValue('leadSource', lead.source));
    case 'industry':
      return lead.industry === undefined ? '(unknown)' : foldText(normaliseValue('industry', lead.industry));
    case 'modelVersion':
      return lead.modelVersion === null ? '(unscored)' : `v${lead.modelVersion}`;
  }
}

function hoursMqlToSql(history: LeadRow['stageHistory'], range?: DayRange): number | undefined {
  const mql = history.find((change) => change.stage === 'mql');
  if (!mql) return undefined;
  const sql = history.find((change) => change.stage === 'sql' && change.at >= mql.at);
  if (!sql || (range && !inRange(sql.at, range))) return undefined;
  return (Date.parse(sql.at) - Date.parse(mql.at)) / 3_600_000;
}

export interface ScoreBand extends Band {
  reachedSql: number;
  won: number;
  sqlRate: number | null;
  wonRate: number | null;
  /** Handoffs made at a score in this band, and how sales answered them. */
  accepted: number;
  rejected: number;
  acceptanceRate: number | null;
}

/**
 * Conversion and acceptance by band of `scoreOf`: leads banded by their score now; handoffs by
 * the score they were handed over at (what sales judged).
 */
export function scoreBands(leads: Iterable<LeadRow>, handoffs: Iterable<HandoffRow>, scoreOf: (lead: LeadRow) => number, width: number): ScoreBand[] {
  const bands = new Map<number, { leads: number; reachedSql: number; won: number; accepted: number; rejected: number }>();
  const bandAt = (score: number) => {
    const from = Math.floor(score / width) * width;
    let band = bands.get(from);
    if (!band) bands.set(from, (band = { leads: 0, reachedSql: 0, won: 0, accepted: 0, rejected: 0 }));
    return band;
  };
  const members = new Set<string>();
  for (const lead of leads) {
    members.add(lead.leadId);
    const band = bandAt(scoreOf(lead));
    band.leads += 1;
    if (lead.stageHistory.some((change) => change.stage === 'sql')) band.reachedSql += 1;
    if (lead.stageHistory.some((change) => change.stage === 'customer')) band.won += 1;
  }
  for (const handoff of handoffs) {
    if (!members.has(handoff.leadId)) continue;
    const band = bandAt(handoff.score);
    if (handoff.status === 'accepted') band.accepted += 1;
    if (handoff.status === 'rejected') band.rejected += 1;
  }
  return [...bands.entries()]
    .sort(([a], [b]) => a - b)
    .map(([from, b]) => ({
      from,
      to: from + width,
      ...b,
      sqlRate: rate(b.reachedSql, b.leads),
      wonRate: rate(b.won, b.leads),
      acceptanceRate: rate(b.accepted, b.accepted + b.rejected),
    }));
}
