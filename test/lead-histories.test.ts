/**
 * Packed lead histories on the real MongoDB-protocol server: what a bulk rescoring replays must
 * be exactly the events the lead's workflow applied, in order, once each, or be left out.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createLeadHistoryRepository, SEGMENT_EVENTS, type LeadHistoryRepository } from '../api/db/lead-histories.repository';
import type { LeadEvent } from '../engine/types';

const run = Date.now().toString(36);
let db: typeof mongoose;
let histories: LeadHistoryRepository;

beforeAll(async () => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_histories_${run}`;
  db = await new mongoose.Mongoose().connect(url.toString());
  histories = createLeadHistoryRepository(db.connection);
  await histories.model.init();
});

afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
});

const events = (leadId: string, from: number, count: number): LeadEvent[] =>
  Array.from({ length: count }, (_, i) => ({ eventId: `${leadId}-${from + i}`, leadId, type: 'page_view', properties: { url: `/p/${from + i}` }, occurredAt: new Date(Date.UTC(2026, 0, 1, 0, from + i)).toISOString() }));

it('appends turn by turn across segments, and a repeated append (a retried activity) adds nothing', async () => {
  const all = events('lead-a', 0, SEGMENT_EVENTS + 20);
  await histories.append('lead-a', 0, all.slice(0, 1));
  await histories.append('lead-a', 1, all.slice(1, SEGMENT_EVENTS - 5));
  // A turn whose events cross into the next segment, then the same write once more.
  await histories.append('lead-a', SEGMENT_EVENTS - 5, all.slice(SEGMENT_EVENTS - 5, SEGMENT_EVENTS + 10));
  await histories.append('lead-a', SEGMENT_EVENTS - 5, all.slice(SEGMENT_EVENTS - 5, SEGMENT_EVENTS + 10));
  // A retry that overlaps what is stored: only the new events go in.
  await histories.append('lead-a', SEGMENT_EVENTS + 5, all.slice(SEGMENT_EVENTS + 5, SEGMENT_EVENTS + 20));

  const read = await histories.completeHistories([{ leadId: 'lead-a', eventCount: all.length }]);
  expect(read.get('lead-a')).toEqual(all);
  expect(await histories.model.countDocuments({ leadId: 'lead-a' })).toBe(2);
});

it('leaves out a history that misses events: one from before the store, one with a gap, one shorter than the lead', async () => {
  // Only the lead's later events reached the store: nothing is appended after a gap.
  await histories.append('lead-old', 30, events('lead-old', 30, 5));
  await histories.insertHistories([{ leadId: 'lead-short', events: events('lead-short', 0, 10) }]);
  await histories.append('lead-short', 12, events('lead-short', 12, 3));

  const read = await histories.completeHistories([
    { leadId: 'lead-old', eventCount: 35 },
    { leadId: 'lead-short', eventCount: 15 },
    { leadId: 'lead-none', eventCount: 3 },
  ]);
  expect([...read.keys()]).toEqual([]);
  // The part that is there is whole, and complete for a lead that has applied only that much.
  expect((await histories.completeHistories([{ leadId: 'lead-short', eventCount: 10 }])).get('lead-short')).toEqual(events('lead-short', 0, 10));
});
