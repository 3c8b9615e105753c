/**
 * Packed lead input logs on the real MongoDB-protocol server: what a bulk rescoring replays must
 * be exactly the inputs the lead's workflow applied (events, sales answers, owners), in order,
 * once each, or be left out.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createLeadHistoryRepository, SEGMENT_INPUTS, type LeadHistoryRepository } from '../api/db/lead-histories.repository';
import type { LeadInput } from '../engine/lifecycle/lifecycle';
import { minute } from './support/clock';

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

const inputs = (leadId: string, from: number, count: number): LeadInput[] =>
  Array.from({ length: count }, (_, i) => ({ kind: 'event', event: { eventId: `${leadId}-${from + i}`, leadId, type: 'page_view', properties: { url: `/p/${from + i}` }, occurredAt: minute(from + i) } }));

it('appends turn by turn across segments, and a repeated append (a retried activity) adds nothing', async () => {
  const all = inputs('lead-a', 0, SEGMENT_INPUTS + 20);
  await histories.append('lead-a', 0, all.slice(0, 1));
  await histories.append('lead-a', 1, all.slice(1, SEGMENT_INPUTS - 5));
  // A turn whose inputs cross into the next segment, then the same write once more.
  await histories.append('lead-a', SEGMENT_INPUTS - 5, all.slice(SEGMENT_INPUTS - 5, SEGMENT_INPUTS + 10));
  await histories.append('lead-a', SEGMENT_INPUTS - 5, all.slice(SEGMENT_INPUTS - 5, SEGMENT_INPUTS + 10));
  // A retry that overlaps what is stored: only the new inputs go in.
  await histories.append('lead-a', SEGMENT_INPUTS + 5, all.slice(SEGMENT_INPUTS + 5, SEGMENT_INPUTS + 20));

  const read = await histories.completeHistories([{ leadId: 'lead-a', inputCount: all.length }]);
  expect(read.get('lead-a')).toEqual(all);
  expect(await histories.model.countDocuments({ leadId: 'lead-a' })).toBe(2);
});

it('keeps sales answers and owners in the log, in applied order, exactly as the workflow applied them', async () => {
  const events = inputs('lead-b', 0, 3);
  const owner: LeadInput = { kind: 'owner', handoffId: 'lead-b:1', owner: 'ae-2', at: minute(2) };
  const accept: LeadInput = { kind: 'answer', answer: { handoffId: 'lead-b:1', decision: 'accept' }, at: minute(10) };
  const reject: LeadInput = { kind: 'answer', answer: { handoffId: 'lead-b:1', decision: 'reject', reason: 'no_budget', note: 'next quarter, "maybe"\nper the call' }, at: minute(20) };
  // A turn that applied three events and the owner, then one per answer; the second answer's turn is retried.
  await histories.append('lead-b', 0, [...events, owner]);
  await histories.append('lead-b', 4, [accept]);
  await histories.append('lead-b', 5, [reject]);
  await histories.append('lead-b', 5, [reject]);

  const read = await histories.completeHistories([{ leadId: 'lead-b', inputCount: 6 }]);
  expect(read.get('lead-b')).toEqual([...events, owner, accept, reject]);
  // Seeded whole, an answer round-trips the same way.
  await histories.insertHistories([{ leadId: 'lead-c', events: [...inputs('lead-c', 0, 2), accept] }]);
  expect((await histories.completeHistories([{ leadId: 'lead-c', inputCount: 3 }])).get('lead-c')).toEqual([...inputs('lead-c', 0, 2), accept]);
});

it('leaves out a log that misses inputs: one from before the store, one with a gap, one shorter than the lead', async () => {
  // Only the lead's later inputs reached the store: nothing is appended after a gap.
  await histories.append('lead-old', 30, inputs('lead-old', 30, 5));
  await histories.insertHistories([{ leadId: 'lead-short', events: inputs('lead-short', 0, 10) }]);
  await histories.append('lead-short', 12, inputs('lead-short', 12, 3));

  const read = await histories.completeHistories([
    { leadId: 'lead-old', inputCount: 35 },
    { leadId: 'lead-short', inputCount: 15 },
    { leadId: 'lead-none', inputCount: 3 },
  ]);
  expect([...read.keys()]).toEqual([]);
  // The part that is there is whole, and complete for a lead that has applied only that much.
  expect((await histories.completeHistories([{ leadId: 'lead-short', inputCount: 10 }])).get('lead-short')).toEqual(inputs('lead-short', 0, 10));
});

it("reads and appends to a log stored by an earlier release (a segment's inputs as one string of JSON lines)", async () => {
  const all = inputs('lead-old', 0, 12);
  await histories.model.collection.insertOne({ _id: 'lead-old#0' as never, leadId: 'lead-old', count: 10, events: all.slice(0, 10).map((input) => JSON.stringify(input)).join('\n') });
  expect((await histories.completeHistories([{ leadId: 'lead-old', inputCount: 10 }])).get('lead-old')).toEqual(all.slice(0, 10));
  await histories.append('lead-old', 10, all.slice(10));
  await histories.append('lead-old', 10, all.slice(10));
  expect((await histories.completeHistories([{ leadId: 'lead-old', inputCount: 12 }])).get('lead-old')).toEqual(all);
});
