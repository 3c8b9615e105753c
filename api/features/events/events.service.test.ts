import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { LeadEvent } from '../../../engine/types';
import type { EventRepository } from '../../db/events.repository';
import { HttpError } from '../../http/errors';
import { leadEventSchemaFor } from '../../contracts/events.contract';
import type { DeliveryStamp } from '../../../workflows/lead.definitions';
import { ingestBatch, ingestEvent } from './events.service';
import type { FirstLives } from './first-lives';

const schema = leadEventSchemaFor({ maxFutureSkewSeconds: 300 });
const past = new Date(Date.now() - 60_000).toISOString();
const event = (eventId: string, leadId: string, extra: Record<string, unknown> = {}) => ({ eventId, leadId, type: 'page_view', properties: {}, occurredAt: past, ...extra });

/** The repository's contract in memory: insert-if-absent by event id, naming another lead's id. */
function fakes(stored: Record<string, string> = {}) {
  const held = new Map(Object.entries(stored));
  const delivered: Array<{ workflowId: string; eventId: string }> = [];
  /** Each signal's events, as one lead's workflow receives them. */
  const signals: Array<{ workflowId: string; eventIds: string[]; stamp?: DeliveryStamp }> = [];
  const record = async (e: LeadEvent) => {
    const holder = held.get(e.eventId);
    if (holder === undefined) {
      held.set(e.eventId, e.leadId);
      return { duplicate: false };
    }
    return holder === e.leadId ? { duplicate: true } : { duplicate: true, heldBy: holder };
  };
  const events = {
    record,
    async holderOf(eventId: string) {
      return held.get(eventId);
    },
    async recordMany(batch: LeadEvent[]) {
      const answers = [];
      for (const e of batch) answers.push(await record(e));
      return answers;
    },
  } as unknown as EventRepository;
  const temporal = {
    workflow: {
      async signalWithStart(_name: string, options: { workflowId: string; signalArgs: [LeadEvent[], DeliveryStamp?] }) {
        for (const e of options.signalArgs[0]) delivered.push({ workflowId: options.workflowId, eventId: e.eventId });
        signals.push({ workflowId: options.workflowId, eventIds: options.signalArgs[0].map((e) => e.eventId), ...(options.signalArgs[1] && { stamp: options.signalArgs[1] }) });
      },
    },
  } as unknown as Client;
  return { events, temporal, held, delivered, signals };
}

describe('an event id that belongs to another lead', () => {
  it('is refused with 409 naming that lead: not stored, not delivered', async () => {
    const { events, temporal, held, delivered } = fakes({ e1: 'lead-a' });
    const refused = await ingestEvent(temporal, events, schema.parse(event('e1', 'lead-b'))).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 409, code: 'conflict', fields: [{ path: 'body.eventId', message: 'already belongs to lead lead-a' }] });
    expect((refused as HttpError).message).toBe('Event id e1 already belongs to lead lead-a; this event of lead lead-b was not applied: send it with an id of its own');
    expect(delivered).toEqual([]);
    expect(held.get('e1')).toBe('lead-a');
  });

  it('stays a duplicate for its own lead, delivered again so that a retry after a failed delivery works', async () => {
    const { events, temporal, delivered } = fakes({ e1: 'lead-a' });
    expect(await ingestEvent(temporal, events, schema.parse(event('e1', 'lead-a')))).toEqual({ eventId: 'e1', leadId: 'lead-a', status: 'duplicate' });
    expect(delivered).toEqual([{ workflowId: 'lead:lead-a', eventId: 'e1' }]);
  });
});

describe('a batch', () => {
  it("delivers each lead's events in one signal, in the order sent", async () => {
    const { events, temporal, signals } = fakes();
    const items = [event('a1', 'lead-a'), event('b1', 'lead-b'), event('a2', 'lead-a'), event('a1', 'lead-a'), event('a3', 'lead-a')];
    const result = await ingestBatch(temporal, events, items, schema);
    expect(result).toMatchObject({ accepted: 4, duplicate: 1, failed: 0 });
    expect(signals.sort((x, y) => x.workflowId.localeCompare(y.workflowId))).toEqual([
      { workflowId: 'lead:lead-a', eventIds: ['a1', 'a2', 'a3'] },
      { workflowId: 'lead:lead-b', eventIds: ['b1'] },
    ]);
  });

  it('rejects only the items that break a rule, each with its code and fields, and delivers the rest', async () => {
    const { events, temporal, delivered } = fakes({ taken: 'lead-z' });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const result = await ingestBatch(
      temporal,
      events,
      [
        event('ok-1', 'lead-a'),
        event('bad-outcome', 'lead-a', { type: 'crm_outcome', properties: { outcome: 'closed_won' } }),
        event('future', 'lead-b', { occurredAt: future }),
        event('taken', 'lead-b'),
        event('ok-2', 'lead-b', { type: 'crm_outcome', properties: { outcome: 'won' } }),
      ],
      schema,
    );
    expect(result).toMatchObject({ accepted: 2, duplicate: 0, rejected: 3, failed: 0 });
    expect(result.results[1]).toMatchObject({ status: 'rejected', code: 'invalid_request', fields: [{ path: 'events.1.properties.outcome', message: expect.stringContaining('opportunity_created, won, lost, disqualified') }] });
    expect(result.results[2]).toMatchObject({ status: 'rejected', code: 'invalid_request', fields: [{ path: 'events.2.occurredAt', message: expect.stringContaining('is in the future') }] });
    expect(result.results[3]).toEqual({
      index: 3,
      eventId: 'taken',
      status: 'rejected',
      code: 'conflict',
      reason: 'Event id taken already belongs to lead lead-z; this event of lead lead-b was not applied: send it with an id of its own',
      fields: [{ path: 'events.3.eventId', message: 'already belongs to lead lead-z' }],
    });
    expect(delivered.map((d) => d.eventId).sort()).toEqual(['ok-1', 'ok-2']);
  });

  it('lets the first copy of an id decide: another lead’s copy is a conflict, the same lead’s a duplicate', async () => {
    const { events, temporal, delivered } = fakes();
    const result = await ingestBatch(temporal, events, [event('x', 'lead-a'), event('x', 'lead-b'), event('x', 'lead-a')], schema);
    expect(result.results.map((r) => [r.status, r.code])).toEqual([
      ['accepted', undefined],
      ['rejected', 'conflict'],
      ['duplicate', undefined],
    ]);
    expect(result.results[1]?.reason).toBe('Event id x already belongs to lead lead-a; this event of lead lead-b was not applied: send it with an id of its own');
    expect(delivered).toEqual([{ workflowId: 'lead:lead-a', eventId: 'x' }]);
  });

  it('names the lead that holds an id when its first copy in the batch was refused too', async () => {
    const { events, temporal, delivered } = fakes({ x: 'lead-z' });
    const result = await ingestBatch(temporal, events, [event('x', 'lead-a'), event('x', 'lead-b'), event('x', 'lead-z')], schema);
    expect(result.results.map((r) => [r.status, r.code])).toEqual([
      ['rejected', 'conflict'],
      ['rejected', 'conflict'],
      ['duplicate', undefined],
    ]);
    expect(result.results[1]?.reason).toBe('Event id x already belongs to lead lead-z; this event of lead lead-b was not applied: send it with an id of its own');
    // The holder's own copy is a retry: delivered, as a single event would be.
    expect(delivered).toEqual([{ workflowId: 'lead:lead-z', eventId: 'x' }]);
  });

  it('keeps refusing later copies of a refused id for the same lead', async () => {
    const { events, temporal, delivered } = fakes({ x: 'lead-z' });
    const result = await ingestBatch(temporal, events, [event('x', 'lead-a'), event('x', 'lead-a')], schema);
    expect(result.results.map((r) => [r.status, r.code, r.fields?.[0]?.path])).toEqual([
      ['rejected', 'conflict', 'events.0.eventId'],
      ['rejected', 'conflict', 'events.1.eventId'],
    ]);
    expect(delivered).toEqual([]);
  });
});

describe('what a delivery tells the lead', () => {
  it('carries the live model and whether anyone listens with each lead’s events, so its turn need not ask', async () => {
    const { events, temporal, signals } = fakes();
    const stamp: DeliveryStamp = { modelId: 'b2b', version: 3, rescore: 2, listening: false };
    const firstLives: FirstLives = { start: async () => new Set(), beforeDelivery: async () => undefined, stamp: async () => stamp };
    await ingestBatch(temporal, events, [event('a1', 'lead-a'), event('b1', 'lead-b'), event('a2', 'lead-a')], schema, firstLives);
    await ingestEvent(temporal, events, schema.parse(event('c1', 'lead-c')), firstLives);
    expect(signals).toEqual([
      { workflowId: 'lead:lead-a', eventIds: ['a1', 'a2'], stamp },
      { workflowId: 'lead:lead-b', eventIds: ['b1'], stamp },
      { workflowId: 'lead:lead-c', eventIds: ['c1'], stamp },
    ]);
  });

  it('carries nothing when the API does not know the live model: the lead’s turn asks its worker', async () => {
    const { events, temporal, signals } = fakes();
    const firstLives: FirstLives = { start: async () => new Set(), beforeDelivery: async () => undefined, stamp: async () => undefined };
    await ingestEvent(temporal, events, schema.parse(event('d1', 'lead-d')), firstLives);
    expect(signals).toEqual([{ workflowId: 'lead:lead-d', eventIds: ['d1'] }]);
  });
});
