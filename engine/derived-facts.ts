/**
 * Derived facts, as plain functions of the flat facts of one evaluation. json-rules-engine reads
 * them through dynamic facts and the compiled evaluator calls them directly: one definition, so
 * the two cannot drift apart.
 */
import { DAY_MS, dateInstant } from './date-value';
import type { HistoryEntry } from './types';

/** The flat facts a derived fact may read. */
export interface DerivedInputs {
  'event.type'?: unknown;
  'event.url'?: unknown;
  'event.occurredAt'?: unknown;
  history?: unknown;
  lastActivityAt?: unknown;
  [fact: string]: unknown;
}

/** Events of `params.eventType` (under `params.urlPrefix`) within `params.days` of this event, this one included. */
export function eventCount(params: Record<string, unknown>, facts: DerivedInputs): number {
  const now = Date.parse(String(facts['event.occurredAt']));
  const history = (facts.history ?? []) as HistoryEntry[];
  const since = now - Number(params.days) * DAY_MS;
  const prefix = typeof params.urlPrefix === 'string' ? params.urlPrefix.toLowerCase() : undefined;
  const matches = (type: unknown, url: unknown, at: number) =>
    type === params.eventType && at > since && at <= now && (prefix === undefined || String(url ?? '').toLowerCase().startsWith(prefix));
  let count = matches(facts['event.type'], facts['event.url'], now) ? 1 : 0;
  for (const entry of history) if (matches(entry.type, entry.url, entry.at ?? Date.parse(entry.occurredAt))) count++;
  return count;
}

/** Days from the lead's last activity before this event to this event; undefined for a first event. */
export function daysSinceLastActivity(facts: DerivedInputs): number | undefined {
  const last = facts.lastActivityAt;
  if (typeof last !== 'string') return undefined;
  return (Date.parse(String(facts['event.occurredAt'])) - Date.parse(last)) / DAY_MS;
}

/**
 * Days from the date fact `params.of` to this event (the compiled form of "within N days" and
 * "more than N days ago"); undefined when the fact is no date (date-value.ts) or after the event.
 */
export function daysSince(params: Record<string, unknown>, facts: DerivedInputs): number | undefined {
  const then = dateInstant(facts[String(params.of)]);
  if (then === undefined) return undefined;
  const days = (Date.parse(String(facts['event.occurredAt'])) - then) / DAY_MS;
  return days >= 0 ? days : undefined;
}

/** Every derived fact by id. */
export const DERIVED_FACTS: Record<string, (params: Record<string, unknown>, facts: DerivedInputs) => unknown> = {
  'derived.eventCount': eventCount,
  'derived.daysSinceLastActivity': (_params, facts) => daysSinceLastActivity(facts),
  'derived.daysSince': daysSince,
};
