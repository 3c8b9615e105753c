/**
 * Chart points for scores over time, from a simulation's steps or from a lead's ledger (the
 * running sum of its points per score, in time order). Points at the same instant become one:
 * the chart shows where a score stood after everything that happened then.
 */
import type { LedgerEntry, SimulationStep } from '../api/client';
import { TIME, TOTAL, type ScorePoint } from './score-chart';

/**
 * One point per simulation step (the scores after it), merged by instant; with `until` (the
 * moment the simulation ran to), a last point then, holding the last step's scores: steps are
 * only the moments something changed, and the chart must reach the end of the time let pass.
 */
export function stepsToSeries(steps: readonly SimulationStep[], scoreIds: readonly string[], until?: string): ScorePoint[] {
  const points: ScorePoint[] = [];
  for (const step of steps) {
    const point: ScorePoint = { [TIME]: Date.parse(step.at) };
    for (const id of scoreIds) point[id] = step.scores[id] ?? 0;
    point[TOTAL] = step.total;
    push(points, point);
  }
  const last = points.at(-1);
  const end = until === undefined ? NaN : Date.parse(until);
  if (last && end > (last[TIME] ?? end)) points.push({ ...last, [TIME]: end });
  return points;
}

/** Ledger entries in the order they happened (ties in ledger order): a late event's entries come at their own time. */
export function inTimeOrder(entries: readonly LedgerEntry[]): LedgerEntry[] {
  return [...entries].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.sequence - b.sequence);
}

/**
 * A lead's scores over time from its ledger: entries in time order (ties in ledger order), each
 * score the running sum of its points, and the total of them all. Scores the ledger names beyond
 * `scoreIds` are added after them.
 */
export function ledgerToSeries(entries: readonly LedgerEntry[], scoreIds: readonly string[]): { points: ScorePoint[]; scores: string[] } {
  const scores = [...scoreIds];
  for (const entry of entries) if (!scores.includes(entry.score)) scores.push(entry.score);
  const sorted = inTimeOrder(entries);
  const running: Record<string, number> = Object.fromEntries(scores.map((id) => [id, 0]));
  const points: ScorePoint[] = [];
  for (const entry of sorted) {
    running[entry.score] = (running[entry.score] ?? 0) + entry.points;
    const point: ScorePoint = { [TIME]: Date.parse(entry.occurredAt), ...running };
    point[TOTAL] = scores.reduce((sum, id) => sum + (running[id] ?? 0), 0);
    push(points, point);
  }
  return { points, scores };
}

function push(points: ScorePoint[], point: ScorePoint): void {
  if (points.at(-1)?.[TIME] === point[TIME]) points[points.length - 1] = point;
  else points.push(point);
}
