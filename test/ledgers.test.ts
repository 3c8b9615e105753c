/**
 * Packed score ledgers on the real MongoDB-protocol server: a lead's ledger reads back exactly
 * as written, entry by entry, across segment boundaries, after appends, after a rewrite from the
 * middle (a late event), and after a rewrite that makes it shorter (a rescoring).
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createLedgerRepository, SEGMENT_ENTRIES, type LedgerRepository } from '../api/db/ledgers.repository';
import type { LedgerEntry } from '../engine/lead-records';

const run = Date.now().toString(36);
let db: typeof mongoose;
let ledgers: LedgerRepository;

beforeAll(async () => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_ledgers_${run}`;
  db = await new mongoose.Mongoose().connect(url.toString());
  ledgers = createLedgerRepository(db.connection);
  await ledgers.model.init();
});

afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
});

const entries = (leadId: string, from: number, count: number, points = 5): LedgerEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    entryId: `${leadId}/e${from + i}:r`,
    sequence: from + i,
    leadId,
    eventId: `e${from + i}`,
    eventType: 'page_view',
    ruleId: 'r',
    ruleName: 'Rule',
    score: 'engagement',
    points,
    reason: 'test',
    modelVersion: 1,
    occurredAt: new Date(Date.UTC(2030, 0, 1) + (from + i) * 60_000).toISOString(),
  }));

it('appends across segments and reads any page back in order', async () => {
  const size = SEGMENT_ENTRIES + 20;
  // Turn by turn, in uneven pieces that cross the segment boundary.
  for (let from = 0, revision = 1; from < size; revision++) {
    const count = Math.min(37, size - from);
    await ledgers.write('lead-a', from, entries('lead-a', from, count), { revision });
    from += count;
  }
  expect(await ledgers.read('lead-a', size, 0, size)).toEqual(entries('lead-a', 0, size));
  expect(await ledgers.read('lead-a', size, SEGMENT_ENTRIES - 5, 10)).toEqual(entries('lead-a', SEGMENT_ENTRIES - 5, 10));
  // A repeated write (a retried activity) changes nothing.
  await ledgers.write('lead-a', size - 37, entries('lead-a', size - 37, 37), { revision: Math.ceil(size / 37) });
  expect(await ledgers.read('lead-a', size, 0, size)).toEqual(entries('lead-a', 0, size));
});

it('rewrites from the middle, keeping what came before', async () => {
  await ledgers.write('lead-b', 0, entries('lead-b', 0, 30), { revision: 1 });
  await ledgers.write('lead-b', 10, entries('lead-b', 10, 25, -1), { revision: 2 }, 30);
  expect(await ledgers.read('lead-b', 35, 0, 100)).toEqual([...entries('lead-b', 0, 10), ...entries('lead-b', 10, 25, -1)]);
});

it('replaces whole ledgers in bulk, removing segments a shorter ledger no longer needs', async () => {
  const long = SEGMENT_ENTRIES * 2 + 1;
  await ledgers.replaceMany([{ leadId: 'lead-c', entries: entries('lead-c', 0, long), revision: 1 }, { leadId: 'lead-d', entries: entries('lead-d', 0, 3), revision: 1 }]);
  expect(await ledgers.model.countDocuments({ leadId: 'lead-c' })).toBe(3);
  await ledgers.replaceMany([{ leadId: 'lead-c', entries: entries('lead-c', 0, 4, 9), previousSize: long, revision: 1 }]);
  expect(await ledgers.model.countDocuments({ leadId: 'lead-c' })).toBe(1);
  expect(await ledgers.read('lead-c', 4, 0, 100)).toEqual(entries('lead-c', 0, 4, 9));
  const many = await ledgers.readMany([
    { leadId: 'lead-c', upTo: 2 },
    { leadId: 'lead-d', upTo: 3 },
  ]);
  expect(many.get('lead-c')).toEqual(entries('lead-c', 0, 2, 9));
  expect(many.get('lead-d')).toEqual(entries('lead-d', 0, 3));
});

it("never lets a rescoring's ledger, written as of the revision it read, undo what the lead's workflow wrote since", async () => {
  // The workflow wrote revision 1, then revision 2 (a rewrite, two segments) while a rescoring
  // of revision 1 was between its snapshot write and its ledger write.
  const long = SEGMENT_ENTRIES + 5;
  await ledgers.write('lead-e', 0, entries('lead-e', 0, 3), { revision: 1 });
  await ledgers.write('lead-e', 0, entries('lead-e', 0, long, 2), { revision: 2 }, 3);
  await ledgers.replaceMany([{ leadId: 'lead-e', entries: entries('lead-e', 0, 3, 7), revision: 1, previousSize: long }]);
  expect(await ledgers.read('lead-e', long, 0, long)).toEqual(entries('lead-e', 0, long, 2));
  // As of the revision it read, with nothing newer stored, the rescoring's ledger goes in.
  await ledgers.replaceMany([{ leadId: 'lead-e', entries: entries('lead-e', 0, 3, 7), revision: 2, previousSize: long }]);
  expect(await ledgers.read('lead-e', 3, 0, 100)).toEqual(entries('lead-e', 0, 3, 7));
  expect(await ledgers.model.countDocuments({ leadId: 'lead-e' })).toBe(1);
});
