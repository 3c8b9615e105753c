import { describe, expect, it } from 'vitest';
import { EVENT_PROPERTIES, EVENT_TYPES, FACTS, FACTS_BY_ID } from './facts-catalogue';

describe('event properties per event type', () => {
  it('lists, for every event type, event facts of the catalogue only', () => {
    expect(Object.keys(EVENT_PROPERTIES).sort()).toEqual([...EVENT_TYPES].sort());
    for (const [type, properties] of Object.entries(EVENT_PROPERTIES)) {
      expect(properties.length, type).toBeGreaterThan(0);
      for (const id of properties) expect(FACTS_BY_ID.get(id)?.source, `${type}: ${id}`).toBe('event');
    }
  });

  it('places every event property with some event type (when an event happened goes with all)', () => {
    const listed = new Set(Object.values(EVENT_PROPERTIES).flat());
    const events = FACTS.filter((fact) => fact.source === 'event' && fact.id !== 'event.occurredAt').map((fact) => fact.id);
    expect(events.filter((id) => !listed.has(id))).toEqual([]);
  });
});
