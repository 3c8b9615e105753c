/**
 * Storage on the real MongoDB-protocol server, and data written by earlier releases: a database
 * keyed by ObjectIds (with a unique index per natural id) is moved once at start-up with nothing
 * lost or doubled; one-document writes reach their document through the `_id` index (on
 * FerretDB, through LeadFlow's patches of it: tools/ferretdb/*.patch); a model version
 * stored in an older compiled format is compiled again from its graph.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { daysAgo } from './support/clock';
import { createEventRepository } from '../api/db/events.repository';
import { createLeadRepository } from '../api/db/leads.repository';
import { createModelVersionRepository } from '../api/db/model-versions.repository';
import { compileGraph } from '../rules/compile-graph';
import { ruleGraphSchema } from '../rules/graph.schema';
import { b2bDefaultGraph } from '../rules/templates';
import { migrateToNaturalKeys } from '../api/db/natural-keys';
import { openRepositories } from '../api/db/repositories';
import type { LeadSnapshot } from '../workflows/lead.definitions';

const run = Date.now().toString(36);

/**
 * A database of this file's own for the enclosing describe, dropped after it: `uri`, its
 * connection and the driver's handle on it.
 */
function ownDatabase(name: string) {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_keys_${name}_${run}`;
  let db: typeof mongoose | undefined;
  beforeAll(async () => {
    db = await new mongoose.Mongoose().connect(url.toString());
  });
  afterAll(async () => {
    await db?.connection.dropDatabase().catch(() => undefined);
    await db?.disconnect();
  });
  const connection = () => (db as typeof mongoose).connection;
  return { uri: url.toString(), connection, raw: () => connection().db as NonNullable<mongoose.Connection['db']> };
}

function snapshot(leadId: string, revision: number, total: number): LeadSnapshot {
  return {
    leadId,
    stage: 'lead',
    scores: { engagement: total },
    total,
    grade: null,
    segment: null,
    modelVersion: 1,
    attributes: { email: `${leadId}@example.com` },
    lastActivityAt: null,
    eventCount: revision,
    ledgerSize: 0,
    handoff: null,
    stageHistory: [],
    revision,
  } as LeadSnapshot;
}

describe('a database written before natural keys', () => {
  const db = ownDatabase('old');

  beforeAll(async () => {
    const raw = db.raw();
    // What the earlier release wrote: ObjectId ids and a unique index on each natural id.
    await raw.collection('leads').createIndex({ leadId: 1 }, { unique: true });
    await raw.collection('events').createIndex({ eventId: 1 }, { unique: true });
    await raw.collection('route_assignments').createIndex({ handoffId: 1 }, { unique: true });
    await raw.collection('route_assignments').insertMany([
      { handoffId: 'old-0001/mql', routeId: 'route-west', position: 6 },
      { handoffId: 'old-0002/mql', routeId: 'route-west', position: 7 },
    ]);
    await raw.collection('route_counters').insertOne({ routeId: 'route-west', next: 8 });
    await raw.collection('leads').insertMany(Array.from({ length: 1_200 }, (_, i) => snapshot(`old-${String(i).padStart(4, '0')}`, 3, i)));
    await raw.collection('events').insertMany([
      { eventId: 'e-1', leadId: 'old-0001', type: 'page_view', properties: { url: '/pricing' }, occurredAt: daysAgo(300), receivedAt: new Date() },
      { eventId: 'e-2', leadId: 'old-0001', type: 'email_open', properties: {}, occurredAt: daysAgo(299), receivedAt: new Date() },
    ]);
  });

  it('is moved once at start-up: every document under its natural id, none lost, none doubled, and writes land on them', async () => {
    const repositories = await openRepositories(db.uri);
    try {
      const raw = db.raw();
      expect(await raw.collection('leads').countDocuments()).toBe(1_200);
      expect(await raw.collection('leads').countDocuments({ _id: { $type: 'objectId' } } as never)).toBe(0);
      expect(await raw.collection('leads').findOne({ _id: 'old-0042' } as never)).toMatchObject({ leadId: 'old-0042', total: 42, revision: 3 });
      expect(await raw.collection('events').find({}, { projection: { _id: 1 } }).toArray()).toEqual([{ _id: 'e-1' }, { _id: 'e-2' }]);

      // The repositories work on the moved documents: a newer snapshot replaces, an older one does not,
      // and a known event is a duplicate.
      await repositories.leads.writeProjection({ snapshot: snapshot('old-0042', 4, 99), ledgerFrom: 0, ledger: [], handoffs: [] });
      await repositories.leads.writeProjection({ snapshot: snapshot('old-0042', 2, 1), ledgerFrom: 0, ledger: [], handoffs: [] });
      expect(await repositories.leads.getLead('old-0042')).toMatchObject({ total: 99, revision: 4 });
      expect(await raw.collection('leads').countDocuments({ leadId: 'old-0042' })).toBe(1);
      expect(await repositories.events.record({ eventId: 'e-2', leadId: 'old-0001', type: 'email_open', properties: {}, occurredAt: daysAgo(299) })).toEqual({ duplicate: true });

      // A round-robin handoff asked again keeps the position it was given; a new one takes the next.
      expect(await raw.collection('route_assignments').findOne({ _id: 'old-0002/mql' } as never)).toMatchObject({ handoffId: 'old-0002/mql', position: 7 });
      expect(await repositories.counters.roundRobinPosition('route-west', 'old-0002/mql')).toBe(7);
      expect(await repositories.counters.roundRobinPosition('route-west', 'new-0001/mql')).toBe(8);
      expect(await repositories.counters.roundRobinPosition('route-west', 'new-0001/mql')).toBe(8);
      expect(await raw.collection('route_assignments').countDocuments()).toBe(3);

      // A second start finds the marker and moves nothing.
      expect(await migrateToNaturalKeys(db.connection())).toEqual({ moved: 0 });
    } finally {
      await repositories.close();
    }
  });
});

describe('a database moved to natural keys before round-robin positions were', () => {
  const db = ownDatabase('step1');

  it('moves only what the first move left: the recorded round-robin positions', async () => {
    const raw = db.raw();
    await raw.collection('leadflow_meta').insertOne({ _id: 'natural-keys', at: new Date(), moved: 0 } as never);
    await raw.collection('route_assignments').createIndex({ handoffId: 1 }, { unique: true });
    await raw.collection('route_assignments').insertOne({ handoffId: 'lead-9/mql', routeId: 'route-east', position: 3 });
    await raw.collection('leads').insertOne({ _id: 'lead-9', ...snapshot('lead-9', 2, 9) } as never);

    expect(await migrateToNaturalKeys(db.connection())).toEqual({ moved: 1 });
    expect(await raw.collection('route_assignments').find({}).toArray()).toEqual([{ _id: 'lead-9/mql', handoffId: 'lead-9/mql', routeId: 'route-east', position: 3 }]);
    expect(await raw.collection('leads').countDocuments({ _id: 'lead-9' } as never)).toBe(1);
    expect(await migrateToNaturalKeys(db.connection())).toEqual({ moved: 0 });
  });
});

describe('a model version published by an earlier release', () => {
  const db = ownDatabase('formats');

  it('is scored as its graph compiles today, or refused by name when its graph no longer validates', async () => {
    const raw = db.raw().collection('model_versions');
    // What the first release stored: compiled format 1, without segments, routes or decay.
    const formatOne = { format: 1, scores: [{ id: 'engagement' }], rules: [], thresholds: [] };
    const base = { name: 'B2B', changeNote: '', publishedAt: new Date() };
    await raw.insertMany([
      { ...base, modelId: 'old', version: 1, graph: b2bDefaultGraph, compiled: formatOne },
      { ...base, modelId: 'old', version: 2, graph: { ...b2bDefaultGraph, nodes: [{ id: 'broken', kind: 'route' }] }, compiled: formatOne },
    ]);
    const versions = createModelVersionRepository(db.connection());

    const first = await versions.get('old', 1);
    expect(first?.problem).toBeUndefined();
    expect(first?.compiled).toEqual(compileGraph(ruleGraphSchema.parse(b2bDefaultGraph)));
    expect(await raw.findOne({ version: 1 }, { projection: { _id: 0, 'compiled.format': 1 } })).toEqual({ compiled: { format: 1 } });

    const second = await versions.latest('old');
    expect(second?.version).toBe(2);
    expect(second?.problem).toMatch(/^Version 2 of model "old" was compiled by an earlier LeadFlow \(format 1\) and its graph no longer validates \(nodes\.0\.\w+: .+\); publish a new version to score leads again$/);
  });
});

describe('counting leads', () => {
  const db = ownDatabase('count');

  it('counts every lead, also after some are replaced, grown and removed', async () => {
    const leads = createLeadRepository(db.connection());
    const [Lead] = leads.models;
    expect(await leads.countLeads()).toBe(0);
    await leads.writeProjections(Array.from({ length: 250 }, (_, i) => ({ snapshot: snapshot(`lead-${i}`, 1, i), ledger: [], handoffs: [] })));
    // A lead grown past a database page, and others replaced by a newer revision.
    await leads.writeProjection({ snapshot: { ...snapshot('lead-7', 2, 7), attributes: { note: 'x'.repeat(20_000) } }, ledgerFrom: 0, ledger: [], handoffs: [] });
    await leads.writeProjections(Array.from({ length: 20 }, (_, i) => ({ snapshot: snapshot(`lead-${i + 100}`, 3, i), ledger: [], handoffs: [] })));
    await Lead.deleteMany({ _id: { $in: ['lead-1', 'lead-2', 'lead-3'] } });
    expect(await leads.countLeads()).toBe(247);
    expect(await leads.countLeads()).toBe(await Lead.countDocuments());
  });
});

describe('one-document writes', () => {
  const db = ownDatabase('index');

  it("find a lead's snapshot through the _id index, also with the revision guard, and a batch of leads by their ids", async () => {
    const leads = createLeadRepository(db.connection());
    const [Lead] = leads.models;
    await Lead.init();
    await leads.writeProjections(Array.from({ length: 300 }, (_, i) => ({ snapshot: snapshot(`lead-${i}`, 1, i), ledger: [], handoffs: [] })));

    const plan = async (filter: Record<string, unknown>) => JSON.stringify(await Lead.find(filter).explain());
    // FerretDB names the SQLite plan; MongoDB names its own ways of using the _id index.
    const usesIdIndex = /USING INDEX \S+__id_|IDHACK|EXPRESS_IXSCAN|"indexName":"_id_"/;
    expect(await plan({ _id: 'lead-7' })).toMatch(usesIdIndex);
    expect(await plan({ _id: 'lead-7', revision: { $lt: 2 } })).toMatch(usesIdIndex);
    expect(await plan({ _id: { $in: ['lead-7', 'lead-8'] } })).toMatch(usesIdIndex);

    // And what the index finds is what the whole filter means.
    expect(await Lead.find({ _id: { $in: ['lead-7', 'lead-8', 'nobody'] } }, { _id: 0, leadId: 1 }).sort({ leadId: 1 }).lean()).toEqual([{ leadId: 'lead-7' }, { leadId: 'lead-8' }]);
    expect(await Lead.countDocuments({ _id: 'lead-7', revision: { $lt: 1 } })).toBe(0);
    expect(await Lead.countDocuments({ _id: 'lead-7', revision: { $lt: 2 } })).toBe(1);
  });

  it('filter on other fields exactly as MongoDB does, arrays and other types included (FerretDB prefilters them in SQLite)', async () => {
    const raw = db.raw().collection('filter_semantics');
    await raw.insertMany([{ k: 'b' }, { k: ['a', 'b'] }, { k: 5 }, { k: 'c' }, { k: null }, {}, { k: { x: 1 } }, { k: ['z'] }, { k: 'B' }, { k: 'b', other: 'x' }].map((doc, i) => ({ ...doc, n: i })));
    const matching = async (filter: Record<string, unknown>) => (await raw.find(filter).sort({ n: 1 }).toArray()).map((doc) => doc.n);
    expect(await matching({ k: 'b' })).toEqual([0, 1, 9]);
    expect(await matching({ k: { $gte: 'b' } })).toEqual([0, 1, 3, 7, 9]);
    expect(await matching({ k: { $gt: 'B', $lt: 'c' } })).toEqual([0, 1, 9]);
    expect(await matching({ k: { $lte: 'B' } })).toEqual([8]);
    expect(await matching({ k: { $in: ['a', 'c'] } })).toEqual([1, 3]);
    expect(await matching({ k: { $eq: 'z' } })).toEqual([7]);
    expect(await matching({ k: 'b', other: 'x' })).toEqual([9]);
    expect(await matching({ k: 5 })).toEqual([2]);
    expect(await matching({ k: { $ne: 'b' } })).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(await matching({ $or: [{ k: 'c' }, { k: 5 }] })).toEqual([2, 3]);
  });

  it('page by _id exactly as MongoDB does (string ids only, bytewise order), with the sort and limit done by the database', async () => {
    const raw = db.raw().collection('id_pages');
    const ids = ['lead-2', 'lead-10', 'lead-1', 'lead-a"q', 'lead-<>&', 'lead-é', 'lead- sp', 'Lead-9', 'lead-1a'];
    // Ids of other types, which a string range never matches.
    const others: Array<Record<string, unknown>> = [{ _id: 42 }, { _id: new mongoose.Types.ObjectId() }, { _id: { k: 'lead-3' } }];
    await raw.insertMany([...ids.map((id): Record<string, unknown> => ({ _id: id })), ...others]);
    const page = async (filter: Record<string, unknown>, sort: 1 | -1, limit: number, skip = 0): Promise<unknown[]> => (await raw.find(filter).sort({ _id: sort }).skip(skip).limit(limit).toArray()).map((doc) => doc._id);
    const bytewise = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

    // Paging through every string id, three at a time, as a batch job does.
    const seen: unknown[] = [];
    for (let after = ''; ; ) {
      const next = await page({ _id: { $gt: after } }, 1, 3);
      if (next.length === 0) break;
      seen.push(...next);
      after = String(next.at(-1));
    }
    expect(seen).toEqual(bytewise);
    expect(await page({ _id: { $gte: 'lead-1', $lt: 'lead-2' } }, -1, 10)).toEqual(bytewise.filter((id) => id >= 'lead-1' && id < 'lead-2').reverse());
    // A skip is done by the server as before, and gives the same answer.
    expect(await page({ _id: { $gt: '' } }, 1, 2, 2)).toEqual(bytewise.slice(2, 4));

    // On FerretDB, SQLite filters, sorts and limits: only the page is decoded.
    const explained = await raw.find({ _id: { $gt: 'lead-1' } } as Record<string, unknown>).sort({ _id: 1 }).limit(3).explain();
    if ('sortPushdown' in explained) expect(explained).toMatchObject({ sortPushdown: true, limitPushdown: true });
  });

  it("read a lead's applied events by their ids, oldest first, and none of another lead's", async () => {
    const events = createEventRepository(db.connection());
    await events.model.init();
    const at = (day: number) => daysAgo(10 - day);
    await events.record({ eventId: 'a-late', leadId: 'a', type: 'page_view', properties: {}, occurredAt: at(3) });
    await events.record({ eventId: 'a-early', leadId: 'a', type: 'email_open', properties: {}, occurredAt: at(1) });
    await events.record({ eventId: 'a-queued', leadId: 'a', type: 'email_click', properties: {}, occurredAt: at(2) });
    await events.record({ eventId: 'b-1', leadId: 'b', type: 'page_view', properties: {}, occurredAt: at(1) });
    expect(JSON.stringify(await events.model.find({ _id: { $in: ['a-late', 'a-early'] } }).explain())).toMatch(/USING INDEX \S+__id_|IDHACK|EXPRESS_IXSCAN|"indexName":"_id_"/);
    const applied = await events.forLead('a', ['a-late', 'a-early', 'b-1', 'unknown']);
    expect(applied.map((event) => event.eventId)).toEqual(['a-early', 'a-late']);
    expect((await events.forLead('a')).map((event) => event.eventId)).toEqual(['a-early', 'a-queued', 'a-late']);
  });
});
