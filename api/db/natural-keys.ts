/**
 * Leads, events, ledger entries, handoffs and round-robin positions are stored under their
 * natural id as `_id`.
 *
 * Why: `_id` is the one key FerretDB v1 (the embedded default) looks up through an index; every
 * other filter scans the whole collection. A lead's projection write, an event's duplicate check
 * and a ledger entry's upsert each find one document by its id, so keyed by `_id` they take a
 * millisecond at any size instead of a scan (429 ms per lookup among 200,000 events). On MongoDB
 * the `_id` index is there anyway and a second unique index is saved.
 *
 * Databases written before this change keyed them by an ObjectId `_id` plus a unique index on
 * the natural id. `migrateToNaturalKeys` moves their documents once, at start-up, before any
 * write: it drops that unique index, copies each document under its natural id, then deletes the
 * original. Every step can be repeated, so a crash midway, or the API and the worker migrating at
 * the same moment, loses nothing and duplicates nothing. A marker records that it is done.
 */
import type { Connection } from 'mongoose';

/**
 * The collections keyed by a natural id, that id's field, and the step that re-keyed them (a
 * database whose marker records an earlier step is moved on from there).
 */
export const NATURAL_KEYS = [
  { collection: 'leads', key: 'leadId', step: 1 },
  { collection: 'events', key: 'eventId', step: 1 },
  { collection: 'score_ledger', key: 'entryId', step: 1 },
  { collection: 'handoffs', key: 'handoffId', step: 1 },
  // A round-robin handoff's recorded position: looked up at every such handoff.
  { collection: 'route_assignments', key: 'handoffId', step: 2 },
] as const;

/** The last step: what the marker of a database moved by this code records. */
const STEP = Math.max(...NATURAL_KEYS.map(({ step }) => step));
const META = 'leadflow_meta';
const MARKER = 'natural-keys';
/** Documents copied per step: one insert and one delete by `_id` each. */
const BATCH = 500;

type Log = (line: string) => void;

export async function migrateToNaturalKeys(connection: Connection, log: Log = () => {}): Promise<{ moved: number }> {
  const db = connection.db;
  if (!db) throw new Error('migrateToNaturalKeys needs an open connection');
  const meta = db.collection<{ _id: string; at: Date; moved: number; step?: number }>(META);
  const marker = await meta.findOne({ _id: MARKER });
  // A marker without a step was written by the first step.
  const done = marker ? (marker.step ?? 1) : 0;
  if (done >= STEP) return { moved: 0 };
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  let moved = 0;
  for (const { collection, key, step } of NATURAL_KEYS) {
    if (step <= done || !existing.has(collection)) continue;
    const target = db.collection(collection);
    // The old unique index would refuse the copy while the original still exists.
    await target.dropIndex(`${key}_1`).catch(() => undefined);
    // One scan for the ids; then each batch is read and deleted by `_id`, which FerretDB looks up
    // through its index, and no cursor stays open while the collection is written.
    const ids = (await target.find({ _id: { $type: 'objectId' } }, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id);
    for (let first = 0; first < ids.length; first += BATCH) {
      const batch = await target.find({ _id: { $in: ids.slice(first, first + BATCH) } }).toArray();
      const copies = batch.map(({ _id, ...doc }) => {
        if (typeof doc[key] !== 'string') throw new Error(`${collection} document ${String(_id)} has no ${key}; cannot key it by ${key}`);
        return { ...doc, _id: doc[key] as string };
      });
      // A copy already there is one an earlier or concurrent run made.
      if (copies.length > 0) {
        await target.insertMany(copies as never[], { ordered: false }).catch((err: { code?: number; writeErrors?: Array<{ code?: number }> }) => {
          const failures = err.writeErrors ?? [err];
          if (!failures.every((failure) => failure.code === 11000)) throw err;
        });
      }
      await target.deleteMany({ _id: { $in: batch.map((doc) => doc._id) } });
      moved += batch.length;
    }
  }
  if (moved > 0) log(`storage: ${moved} documents re-keyed by their natural id`);
  await meta.updateOne({ _id: MARKER }, { $set: { at: new Date(), step: STEP }, $inc: { moved } }, { upsert: true });
  return { moved };
}
