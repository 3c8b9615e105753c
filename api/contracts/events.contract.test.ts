import { describe, expect, it } from 'vitest';
import { CRM_OUTCOMES } from '../../engine/types';
import { simulateBody } from './simulations.contract';
import { batchResultSchema, leadEventSchemaFor } from './events.contract';

// A fixed clock a little before now, so that each check sees the same instant.
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const schema = leadEventSchemaFor({ maxFutureSkewSeconds: 300, now: () => NOW });
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const event = (extra: Record<string, unknown> = {}) => ({ eventId: 'e1', leadId: 'l1', type: 'page_view', properties: {}, occurredAt: at(-60_000), ...extra });
/** The instant `offsetMs` after NOW written in the local time of a UTC offset of `hours`, e.g. 14:04:00+02:00. */
const withOffset = (offsetMs: number, hours: number) => {
  const local = new Date(NOW + offsetMs + hours * 3_600_000).toISOString().slice(0, 19);
  const sign = hours < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.abs(hours)).padStart(2, '0')}:00`;
};
const problems = (input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe('CRM outcomes', () => {
  it('takes each outcome of CRM_OUTCOMES, and other event types without one', () => {
    for (const outcome of CRM_OUTCOMES) expect(problems(event({ type: 'crm_outcome', properties: { outcome } }))).toEqual([]);
    expect(problems(event({ properties: { outcome: 'closed_won' } }))).toEqual([]);
  });

  it('refuses any other outcome, or none, at properties.outcome with the allowed values', () => {
    for (const [properties, given] of [
      [{ outcome: 'closed_won' }, '"closed_won"'],
      [{ outcome: 'WON' }, '"WON"'],
      [{ outcome: 1 }, '1'],
      [{ outcome: null }, 'null'],
      [{}, 'none'],
    ] as const) {
      expect(problems(event({ type: 'crm_outcome', properties }))).toEqual([
        { path: 'properties.outcome', message: `a crm_outcome event needs properties.outcome, one of opportunity_created, won, lost, disqualified; got ${given}` },
      ]);
    }
    expect(problems(event({ type: 'crm_outcome', properties: undefined }))).toHaveLength(1);
  });

  it('is named together with the other fields’ problems', () => {
    const found = problems(event({ type: 'crm_outcome', properties: { outcome: 'closed_won' }, occurredAt: 'yesterday', leadId: 'a b' }));
    expect(found.map((p) => p.path).sort()).toEqual(['leadId', 'occurredAt', 'properties.outcome']);
  });

  it('holds for simulated timelines too', () => {
    const result = simulateBody.safeParse({ events: [{ type: 'crm_outcome', properties: { outcome: 'closed_won' }, occurredAt: at(0) }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['events.0.properties.outcome']);
    expect(simulateBody.safeParse({ events: [{ type: 'crm_outcome', properties: { outcome: 'won' }, occurredAt: at(86_400_000) }] }).success).toBe(true);
  });

  it('is not asked of what is not an event at all: null or a number is refused as it is, not thrown on', () => {
    for (const input of [null, 7, 'page_view', []]) expect(problems(input)).toEqual([{ path: '', message: expect.stringMatching(/expected object/) }]);
    const result = simulateBody.safeParse({ events: [null] });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['events.0']);
  });
});

describe('future dates', () => {
  it('takes the past, now, and up to the skew ahead, whatever the offset', () => {
    expect(problems(event({ occurredAt: at(-365 * 86_400_000) }))).toEqual([]);
    expect(problems(event({ occurredAt: at(0) }))).toEqual([]);
    expect(problems(event({ occurredAt: at(300_000) }))).toEqual([]);
    // Four minutes ahead, written two hours east of UTC.
    expect(problems(event({ occurredAt: withOffset(240_000, 2) }))).toEqual([]);
  });

  it('refuses a date more than the skew ahead, naming occurredAt, the skew and the server time', () => {
    // Four minutes ahead by its digits, but an hour west of UTC: 64 minutes ahead.
    for (const occurredAt of [at(301_000), withOffset(240_000 + 3_600_000, -1), at(50 * 365 * 86_400_000), '9999-12-31T23:59:59Z']) {
      expect(problems(event({ occurredAt }))).toEqual([
        { path: 'occurredAt', message: `${occurredAt} is in the future: an event may be dated at most 300 s after the server's clock (${new Date(NOW).toISOString()})` },
      ]);
    }
  });

  it('reads the clock at every parse, and takes its skew from the caller', () => {
    let now = NOW;
    const moving = leadEventSchemaFor({ maxFutureSkewSeconds: 0, now: () => now });
    const soon = event({ occurredAt: at(60_000) });
    expect(moving.safeParse(soon).success).toBe(false);
    now += 60_000;
    expect(moving.safeParse(soon).success).toBe(true);
  });
});

describe('the batch result schema', () => {
  it('describes a conflict as a rejected item with its code', () => {
    const result = { index: 0, eventId: 'e1', status: 'rejected', code: 'conflict', reason: 'Event id e1 already belongs to lead l0', fields: [{ path: 'events.0.eventId', message: 'already belongs to lead l0' }] };
    expect(batchResultSchema.parse({ accepted: 0, duplicate: 0, rejected: 1, failed: 0, results: [result] }).results[0]).toEqual(result);
  });
});
