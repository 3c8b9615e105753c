/**
 * What the scorer needs to know about a lead besides the event — its attributes, which of them
 * the event changed, its recent history and last activity — advanced one event at a time.
 * Pure, so the workflow and the scoring activity agree on it.
 */
import { foldText, normaliseAttributes } from './normalise-attributes';
import type { CompiledValueMap, FactValue, HistoryEntry, LeadEvent, ScoringContext } from './types';

/** Derived facts look back at most this far; older history is dropped. */
export const HISTORY_DAYS = 365;
/** And at most this many events are kept, newest first to go last. */
export const HISTORY_LIMIT = 1_000;

const DAY_MS = 86_400_000;

export interface LeadMemory {
  /** The attributes as they were sent (what the lead's page shows); rules read them normalised. */
  attributes: Record<string, FactValue>;
  history: HistoryEntry[];
  lastActivityAt: string | null;
}

export const emptyMemory = (): LeadMemory => ({ attributes: {}, history: [], lastActivityAt: null });

/**
 * The context to score `event` in, and the memory after it.
 * @param valueMaps - the scoring model's value maps (normaliseAttributes).
 */
export function advance(memory: LeadMemory, event: LeadEvent, valueMaps?: readonly CompiledValueMap[]): { context: ScoringContext; next: LeadMemory } {
  const sent = Object.entries(event.attributes ?? {});
  const attributes = sent.length > 0 ? { ...memory.attributes, ...Object.fromEntries(sent) } : memory.attributes;
  const facts = normaliseAttributes(attributes, valueMaps);
  const changedAttributes: string[] = [];
  if (sent.length > 0) {
    const before = normaliseAttributes(memory.attributes, valueMaps);
    // A value re-sent in other case or spacing is no change: it fires no trigger again.
    for (const key of new Set([...Object.keys(facts), ...Object.keys(before)])) if (!sameFact(facts[key], before[key])) changedAttributes.push(`lead.${key}`);
  }
  const context: ScoringContext = { attributes: facts, changedAttributes, history: memory.history, lastActivityAt: memory.lastActivityAt };
  const at = Date.parse(event.occurredAt);
  const entry: HistoryEntry = { type: event.type, occurredAt: event.occurredAt, at, ...(typeof event.properties.url === 'string' && { url: event.properties.url }) };
  const lastActivityAt = memory.lastActivityAt && memory.lastActivityAt > event.occurredAt ? memory.lastActivityAt : event.occurredAt;
  const horizon = Date.parse(lastActivityAt) - HISTORY_DAYS * DAY_MS;
  const history = [...memory.history, entry].filter((e) => (e.at ?? Date.parse(e.occurredAt)) >= horizon).slice(-HISTORY_LIMIT);
  return { context, next: { attributes, history, lastActivityAt } };
}

function sameFact(a: FactValue | undefined, b: FactValue | undefined): boolean {
  return a === b || (typeof a === 'string' && typeof b === 'string' && foldText(a) === foldText(b));
}
