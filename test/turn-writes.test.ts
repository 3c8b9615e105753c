/**
 * The worker writes the turns of many leads that finish together in shared bulk commands
 * (api/db/turn-writes.ts). On the real MongoDB-protocol server: whatever the turns (appends,
 * repeats, a turn redone over more inputs, a late first attempt, an older revision, a ledger or
 * log crossing a segment, a rewrite with handoffs), each lead ends with exactly the documents
 * the one-turn-at-a-time path leaves; and concurrent turns share their commands.
 */
import fc from 'fast-check';
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createLeadHistoryRepository, type LeadHistoryRepository } from '../api/db/lead-histories.repository';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { createTurnWriter } from '../api/db/turn-writes';
import type { Handoff, LeadSnapshot } from '../engine/lead-records';
import type { ProjectionWrite } from '../workflows/lead.definitions';
import { minute } from './support/clock';
import { openedEntry, openedInput, openedSnapshot } from './support/ledger';

const run = Date.now().toString(36);

interface Store {
  db: typeof mongoose;
  leads: LeadRepository;
  histories: LeadHistoryRepository;
  /** Update commands sent, by collection. */
  updates: Map<string, number>;
}

let one: Store;
let together: Store;

async function open(name: string): Promise<Store> {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_turns_${name}_${run}`;
  const db = await new mongoose.Mongoose().connect(url.toString(), { monitorCommands: true });
  const updates = new Map<string, number>();
  db.connection.getClient().on('commandStarted', (event) => {
    if (event.commandName === 'update') updates.set(event.command.update as string, (updates.get(event.command.update as string) ?? 0) + 1);
  });
  const store = { db, leads: createLeadRepository(db.connection), histories: createLeadHistoryRepository(db.connection), updates };
  await Promise.all([...store.leads.models, store.histories.model].map((model) => model.init()));
  return store;
}

beforeAll(async () => {
  [one, together] = await Promise.all([open('one'), open('together')]);
});

afterAll(async () => {
  for (const store of [one, together]) {
    await store?.db.connection.dropDatabase().catch(() => undefined);
    await store?.db.disconnect();
  }
});

const input = openedInput;
const entry = openedEntry;
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

function handoff(leadId: string, revision: number, status: 'pending' | 'accepted' = 'pending'): Handoff {
  return {
    handoffId: `${leadId}/h${revision}`,
    leadId,
    queue: 'sdr',
    team: 'sdr',
    status,
    ...(status === 'accepted' && { decidedAt: minute(30) }),
    createdAt: minute(1),
    slaDueAt: minute(120),
    slaHours: 2,
    maxEscalations: 0,
    escalations: 0,
    score: 40,
    qualifiedBy: 'threshold',
    modelVersion: 1,
  };
}

/**
 * One turn: revision `revision` applied inputs [logFrom, to) and wrote the ledger from
 * `ledgerFrom` to `to`; `replace` rewrote the ledger from there (a late input) and opened a handoff.
 * `handoff`: a live turn that opened the handoff of revision `opened`, or whose sales answer accepted it.
 */
interface Turn {
  revision: number;
  logFrom: number;
  ledgerFrom: number;
  to: number;
  replace: boolean;
  handoff?: { opened: number; status: 'pending' | 'accepted' };
}

function turnWrite(leadId: string, { revision, logFrom, ledgerFrom, to, replace, handoff: changed }: Turn): ProjectionWrite {
  const written = replace ? handoff(leadId, revision) : changed && handoff(leadId, changed.opened, changed.status);
  const snapshot: LeadSnapshot = { ...openedSnapshot(leadId, to, revision), ...(written && { stage: written.status === 'accepted' ? ('sal' as const) : ('mql' as const), handoff: written }) };
  return {
    snapshot,
    ledgerFrom,
    ledger: range(ledgerFrom, to).map((i) => entry(leadId, i)),
    handoffs: written ? [written] : [],
    ...(replace && { replace: true as const }),
    applied: { from: logFrom, inputs: range(logFrom, to).map((i) => input(leadId, i)) },
  };
}

/** The one-turn-at-a-time path: the input log, then the lead's own write. */
async function writeAlone(store: Store, write: ProjectionWrite): Promise<void> {
  if (write.applied) await store.histories.append(write.snapshot.leadId, write.applied.from, write.applied.inputs);
  await store.leads.writeProjection(write);
}

/** Every document of the lead, as stored. */
async function documents(store: Store, leadId: string) {
  const db = store.db.connection.db as mongoose.mongo.Db;
  const prefix = { $regex: `^${leadId}#` };
  return {
    lead: await db.collection('leads').findOne({ _id: leadId as never }),
    ledger: await db.collection('lead_ledgers').find({ _id: prefix as never }).sort({ _id: 1 }).toArray(),
    log: await db.collection('lead_histories').find({ _id: prefix as never }).sort({ _id: 1 }).toArray(),
    handoffs: await db.collection('handoffs').find({ leadId }).sort({ _id: 1 }).toArray(),
  };
}

/**
 * A lead's turns as a worker may write them: mostly the next turn, sometimes the last one again
 * (a retried activity), the last one redone over more inputs (its worker died) and sometimes its
 * first attempt landing late, the one before it again (an older revision), a late input that
 * rewrites the ledger's end and opens a handoff, a live turn that opens one, or a sales answer
 * that accepts the one open; some leads start near the end of a segment (500).
 */
const leadTurns = fc
  .record({
    start: fc.constantFrom<number>(0, 0, 495),
    steps: fc.array(fc.record({ size: fc.integer({ min: 0, max: 4 }), kind: fc.constantFrom('next', 'next', 'next', 'repeat', 'redo', 'older', 'replace', 'handoff', 'answer') }), { minLength: 1, maxLength: 6 }),
  })
  .map(({ start, steps }) => {
    const sent: Turn[] = [];
    const truth: Turn[] = [];
    const next = (turn: Turn) => {
      truth.push(turn);
      sent.push(turn);
    };
    if (start > 0) next({ revision: 1, logFrom: 0, ledgerFrom: 0, to: start, replace: false });
    for (const { size, kind } of steps) {
      const last = truth.at(-1);
      const end = last?.to ?? 0;
      const revision = (last?.revision ?? 0) + 1;
      if (kind === 'repeat' && last) sent.push(last);
      else if (kind === 'redo' && last) {
        const redone = { ...last, to: last.to + size + 1 };
        truth[truth.length - 1] = redone;
        sent.push(redone, ...(size % 2 === 0 ? [last] : []));
      } else if (kind === 'older' && truth.length > 1) sent.push(truth.at(-2) as Turn);
      else if (kind === 'replace' && end > 0) next({ revision, logFrom: end, ledgerFrom: Math.max(0, end - 2), to: end + size + 1, replace: true });
      else if (kind === 'handoff') next({ revision, logFrom: end, ledgerFrom: end, to: end + size + 1, replace: false, handoff: { opened: revision, status: 'pending' } });
      else if (kind === 'answer' && opened(truth) !== undefined) next({ revision, logFrom: end, ledgerFrom: end, to: end + 1, replace: false, handoff: { opened: opened(truth) as number, status: 'accepted' } });
      else next({ revision, logFrom: end, ledgerFrom: end, to: end + size, replace: false });
    }
    return sent;
  });

/** The revision that opened the lead's newest handoff, if any. */
function opened(turns: readonly Turn[]): number | undefined {
  const last = turns.findLast((turn) => turn.replace || turn.handoff?.status === 'pending');
  return last && (last.replace ? last.revision : last.handoff?.opened);
}

it('leaves every lead exactly as writing its turns one at a time does, whatever the turns', { timeout: 240_000 }, async () => {
  let scenario = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(leadTurns, { minLength: 1, maxLength: 8 }), async (leads) => {
      scenario += 1;
      const ids = leads.map((_, i) => `s${scenario}-lead${i}`);
      const writer = createTurnWriter(together);
      // One at a time, in order; and together: each lead's turns in order, the leads at once.
      for (const [i, turns] of leads.entries()) for (const turn of turns) await writeAlone(one, turnWrite(ids[i] as string, turn));
      await Promise.all(
        leads.map(async (turns, i) => {
          for (const turn of turns) await writer.write(turnWrite(ids[i] as string, turn));
        }),
      );
      for (const leadId of ids) expect(await documents(together, leadId), leadId).toEqual(await documents(one, leadId));
    }),
    { numRuns: 25, endOnFailure: true },
  );
});

it('writes the turns of many leads that finish together in a few shared commands, each turn settling once written', async () => {
  const ids = range(0, 40).map((i) => `busy-${run}-${i}`);
  const writer = createTurnWriter(together);
  // Each lead's first turn, then the usual live turn of all forty at once.
  await Promise.all(ids.map((leadId) => writer.write(turnWrite(leadId, { revision: 1, logFrom: 0, ledgerFrom: 0, to: 2, replace: false }))));
  together.updates.clear();
  await Promise.all(ids.map((leadId) => writer.write(turnWrite(leadId, { revision: 2, logFrom: 2, ledgerFrom: 2, to: 3, replace: false }))));
  // Alone, 40 turns are 120 update commands (input log, ledger, snapshot): together a few per collection.
  for (const collection of ['lead_histories', 'lead_ledgers', 'leads']) expect(together.updates.get(collection), collection).toBeLessThanOrEqual(3);
  // A turn that opens a handoff (the lead qualified) shares them too, its handoff included.
  together.updates.clear();
  await Promise.all(ids.map((leadId) => writer.write(turnWrite(leadId, { revision: 3, logFrom: 3, ledgerFrom: 3, to: 4, replace: false, handoff: { opened: 3, status: 'pending' } }))));
  for (const collection of ['lead_histories', 'lead_ledgers', 'handoffs', 'leads']) expect(together.updates.get(collection), collection).toBeLessThanOrEqual(3);
  expect(await together.db.connection.db?.collection('handoffs').countDocuments({ leadId: { $in: ids }, status: 'pending' })).toBe(40);
  for (const leadId of ids) {
    const lead = await together.leads.getLead(leadId);
    expect(lead).toMatchObject({ revision: 3, eventCount: 4, inputCount: 4, stage: 'mql', handoff: { handoffId: `${leadId}/h3`, status: 'pending' } });
    expect((await together.leads.ledger(leadId, 10)).map((e) => e.eventId)).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect((await together.histories.completeHistories([{ leadId, inputCount: 4 }])).get(leadId)?.map((i) => (i.kind === 'event' ? i.event.eventId : i.kind))).toEqual(['e0', 'e1', 'e2', 'e3']);
  }
});

it("keeps sales' answer when the turn that opened the handoff is written again later (a retried activity), beside other leads' turns", async () => {
  const ids = range(0, 6).map((i) => `answered-${run}-${i}`);
  const writer = createTurnWriter(together);
  const opening = (leadId: string) => turnWrite(leadId, { revision: 1, logFrom: 0, ledgerFrom: 0, to: 2, replace: false, handoff: { opened: 1, status: 'pending' } });
  await Promise.all(ids.map((leadId) => writer.write(opening(leadId))));
  await Promise.all(ids.map((leadId) => writer.write(turnWrite(leadId, { revision: 2, logFrom: 2, ledgerFrom: 2, to: 3, replace: false, handoff: { opened: 1, status: 'accepted' } }))));
  // The first attempts of the opening turns land again, together.
  await Promise.all(ids.map((leadId) => writer.write(opening(leadId))));
  for (const leadId of ids) {
    expect(await together.db.connection.db?.collection('handoffs').findOne({ _id: `${leadId}/h1` as never }), leadId).toMatchObject({ status: 'accepted' });
    expect(await together.leads.getLead(leadId)).toMatchObject({ revision: 2, stage: 'sal', handoff: { status: 'accepted' } });
  }
});

it('fails every turn of a batch that could not be written, and a retry of them lands each once', async () => {
  const ids = range(0, 5).map((i) => `retried-${run}-${i}`);
  let failNext = true;
  const flaky = {
    histories: together.histories,
    leads: {
      writeTurns: async (writes: readonly ProjectionWrite[]) => {
        if (failNext) {
          failNext = false;
          throw new Error('connection reset');
        }
        await together.leads.writeTurns(writes);
      },
    },
  };
  const writer = createTurnWriter(flaky);
  const writes = ids.map((leadId) => turnWrite(leadId, { revision: 1, logFrom: 0, ledgerFrom: 0, to: 3, replace: false }));
  const first = await Promise.allSettled(writes.map((write) => writer.write(write)));
  expect(first.map((result) => result.status)).toEqual(ids.map(() => 'rejected'));
  // The activities try again: the input logs appended the first time are not doubled.
  await Promise.all(writes.map((write) => writer.write(write)));
  for (const leadId of ids) {
    expect((await together.histories.completeHistories([{ leadId, inputCount: 3 }])).get(leadId)).toHaveLength(3);
    expect(await together.leads.getLead(leadId)).toMatchObject({ revision: 1, eventCount: 3 });
  }
});
