/**
 * The busy mark on the real MongoDB-protocol server: a bulk rescoring may store a result in a
 * lead's read side only between its workflow's turns, never while a turn is applying changes.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createLeadRepository, type LeadRepository } from '../api/db/leads.repository';
import { initialState } from '../workflows/lead-state';
import type { LeadSnapshot, StoredRescore } from '../workflows/lead.definitions';

const run = Date.now().toString(36);
let db: typeof mongoose;
let leads: LeadRepository;

beforeAll(async () => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_busy_${run}`;
  db = await new mongoose.Mongoose().connect(url.toString());
  leads = createLeadRepository(db.connection);
});

afterAll(async () => {
  await db?.connection.dropDatabase().catch(() => undefined);
  await db?.disconnect();
});

const snapshot = (leadId: string, revision: number): LeadSnapshot => ({ ...initialState(leadId, '2026-01-01T00:00:00.000Z').snapshot, revision, scores: { engagement: 10 }, total: 10, modelVersion: 1 });

/** A bulk rescoring's result computed from revision `base`; true if it was stored. */
async function storeAt(leadId: string, base: number): Promise<boolean> {
  const rescore: StoredRescore = { base, ledgerSize: 1, modelVersion: 2, events: { count: 1, hash: 7 }, scores: { engagement: 20 }, ruleUsage: {} };
  const change = { scores: { engagement: 20 }, total: 20, grade: null, modelVersion: 2, ledgerSize: 1 };
  const ledger = [{ entryId: `${leadId}/rescore:v2:rescore:engagement`, sequence: 0, leadId, eventId: 'rescore:v2', eventType: 'rescore', ruleId: 'rescore', ruleName: 'Rescored', score: 'engagement', points: 10, occurredAt: '2026-01-02T00:00:00.000Z', reason: 'rescored', modelVersion: 2 }];
  return (await leads.storeRescores([{ leadId, change, rescore, ledger }])).has(leadId);
}

it('refuses a bulk result while a turn is under way, through a write that says the turn goes on, until the turn ends', async () => {
  await leads.writeProjection({ snapshot: snapshot('lead-a', 1), ledger: [], handoffs: [] });
  expect(await leads.beginTurn('lead-a')).toBeNull();
  expect(await storeAt('lead-a', 1)).toBe(false);

  // A sales answer is written mid-turn: the mark stays.
  await leads.writeProjection({ snapshot: snapshot('lead-a', 2), ledger: [], handoffs: [], busy: true });
  expect(await storeAt('lead-a', 2)).toBe(false);
  expect((await leads.getLead('lead-a'))?.revision).toBe(2);

  // The turn's last write clears it.
  await leads.writeProjection({ snapshot: snapshot('lead-a', 3), ledger: [], handoffs: [] });
  expect(await storeAt('lead-a', 3)).toBe(true);
  expect(await leads.getLead('lead-a')).toMatchObject({ revision: 4, modelVersion: 2, total: 20 });
});

it('ends the mark of a turn that wrote nothing, but not over a newer write', async () => {
  await leads.writeProjection({ snapshot: snapshot('lead-b', 5), ledger: [], handoffs: [] });
  await leads.beginTurn('lead-b');
  await leads.endTurn('lead-b', 5);
  expect(await storeAt('lead-b', 5)).toBe(true);

  // A turn of an older revision ending late leaves the mark of the turn under way.
  await leads.writeProjection({ snapshot: snapshot('lead-c', 8), ledger: [], handoffs: [] });
  await leads.beginTurn('lead-c');
  await leads.endTurn('lead-c', 7);
  expect(await storeAt('lead-c', 8)).toBe(false);
  // The bulk path's own writes (many leads at once) keep the mark the same way.
  await leads.writeProjections([{ snapshot: snapshot('lead-c', 9), ledger: [], handoffs: [], busy: true }]);
  expect(await storeAt('lead-c', 9)).toBe(false);
  await leads.endTurn('lead-c', 9);
  expect(await storeAt('lead-c', 9)).toBe(true);
});
