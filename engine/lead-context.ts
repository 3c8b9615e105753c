/**
 * What the scorer needs to know about a lead besides the event — its attributes, which of them
 * the event changed, its recent history and last activity — advanced one event at a time.
 * Pure, so the workflow and the scoring activity agree on it.
 */
import type { FactValue, HistoryEntry, LeadEvent, ScoringContext } from './types';

/** Derived facts look back at most this far; older history is dropped. */
export const HISTORY_DAYS = 365;
/** And at most this many events are kept, newest first to go last. */
export const HISTORY_LIMIT = 1_000;

const DAY_MS = 86_400_000;

export interface LeadMemory {
  attributes: Record<string, FactValue>;
  history: HistoryEntry[];
  lastActivityAt: string | null;
}

export const emptyMemory = (): LeadMemory => ({ attributes: {}, history: [], lastActivityAt: null });

/** The context to score `event` in, and the memory after it. */
export function advance(memory: LeadMemory, event: LeadEvent): { context: ScoringContext; next: LeadMemory } {
  const attributes = { ...memory.attributes };
  const changedAttributes: string[] = [];
  for (const [key, value] of Object.entries(event.attributes ?? {})) {
    if (attributes[key] !== value) changedAttributes.push(`lead.${key}`);
    attributes[key] = value;
  }
  const context: ScoringContext = { attributes, changedAttributes, history: memory.history, lastActivityAt: memory.lastActivityAt };
  const at = Date.parse(event.occurredAt);
  const entry: HistoryEntry = { type: event.type, occurredAt: event.occurredAt, at, ...(typeof event.properties.url === 'string' && { url: event.properties.url }) };
  const lastActivityAt = memory.lastActivityAt && memory.lastActivityAt > event.occurredAt ? memory.lastActivityAt : event.occurredAt;
  const horizon = Date.parse(lastActivityAt) - HISTORY_DAYS * DAY_MS;
  const history = [...memory.history, entry].filter((e) => (e.at ?? Date.parse(e.occurredAt)) >= horizon).slice(-HISTORY_LIMIT);
  return { context, next: { attributes, history, lastActivityAt } };
}
