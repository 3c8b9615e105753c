/**
 * A lead's read-side write runs inside its workflow task (a local activity). A worker that dies
 * after writing, before Temporal heard the task was done, has the task done again by another
 * worker: the same revision number, over every input that arrived meanwhile. On the real
 * MongoDB-protocol server, that redone turn must be what the lead shows (its snapshot, ledger
 * and input log), a late write of the first attempt must not undo it, and the next turn goes on from it.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createLeadHistoryRepository, type LeadHistoryRepository } from '../api/db/lead-histories.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { openedEntry, openedInput, openedSnapshot } from './support/ledger';

const run = Date.now().toString(36);
let db: typeof mongoose;
let leads: LeadRepository;
let histories: LeadHistoryRepository;

beforeAll(async () => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_read_side_${run}`;
  db = await new mongoose.Mongoose().connect(url.toString());
  leads = createLeadRepository(db.connection);
  histories = createLeadHistoryRepository(db.connection);
  await Promise.all([...leads.models, histories.model].map((model) => model.init()));
});

afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
});

const LEAD = 'redone-turn';
const input = (i: number) => openedInput(LEAD, i);
const entry = (i: number) => openedEntry(LEAD, i);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

/** One turn's write as the worker does it: the input log first, then ledger, handoffs and snapshot. */
async function writeTurn(revision: number, from: number, to: number): Promise<void> {
  const snapshot = openedSnapshot(LEAD, to, revision);
  await histories.append(LEAD, from, range(from, to).map(input));
  await leads.writeProjection({ snapshot, ledgerFrom: from, ledger: range(from, to).map(entry), handoffs: [] });
}

/** What the lead shows: its snapshot, its ledger and its stored input log. */
async function shown() {
  const lead = await leads.getLead(LEAD);
  const ledger = await leads.ledger(LEAD, 1_000);
  const log = (await histories.completeHistories([{ leadId: LEAD, inputCount: lead?.inputCount ?? 0 }])).get(LEAD);
  return { revision: lead?.revision, eventCount: lead?.eventCount, total: lead?.total, ledger: ledger.map((e) => e.eventId), log: log?.map((i) => (i.kind === 'event' ? i.event.eventId : i.kind)) };
}

const ids = (from: number, to: number) => range(from, to).map((i) => `e${i}`);

it('shows a turn redone after its worker died, over the inputs that arrived meanwhile, that a late first attempt does not undo, and goes on from it', async () => {
  await writeTurn(1, 0, 3);
  // Turn 2 folds two events and writes; its worker dies before Temporal hears the task was done.
  await writeTurn(2, 3, 5);
  // Another worker does turn 2 again: by then six events wait, so it folds all six.
  await writeTurn(2, 3, 9);
  expect(await shown()).toEqual({ revision: 2, eventCount: 9, total: 18, ledger: ids(0, 9), log: ids(0, 9) });

  // The first attempt's write landing late (a worker cut off, not dead): nothing changes.
  await writeTurn(2, 3, 5);
  expect(await shown()).toEqual({ revision: 2, eventCount: 9, total: 18, ledger: ids(0, 9), log: ids(0, 9) });

  // The next turn goes on from the redone one.
  await writeTurn(3, 9, 10);
  expect(await shown()).toEqual({ revision: 3, eventCount: 10, total: 20, ledger: ids(0, 10), log: ids(0, 10) });
  // Nor does a write of an older revision.
  await writeTurn(2, 3, 9);
  expect(await shown()).toEqual({ revision: 3, eventCount: 10, total: 20, ledger: ids(0, 10), log: ids(0, 10) });
});
