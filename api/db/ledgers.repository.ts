/**
 * Each lead's score ledger, packed: document `<leadId>#<k>` holds entries k·SEGMENT_ENTRIES
 * onwards (at most SEGMENT_ENTRIES of them) in sequence order. A lead's ledger is read, appended
 * to and rewritten by `_id` alone, the one key every MongoDB-protocol server looks up by index:
 * a lead's page reads one or two documents, a live turn appends to one, and a rescoring rewrites
 * a lead's whole ledger in one write instead of deleting and inserting dozens of entries (which,
 * for 100,000 leads, were millions of documents). Entries keep their `entryId` and `sequence`.
 *
 * Each segment keeps the read-side `revision` of the write that made it. A lead has two writers:
 * its workflow (each write a newer revision) and a bulk rescoring (which writes the revision it
 * read, `base`, and only while the snapshot is still at it). Their writes of several documents
 * can interleave; a rescoring's ledger never replaces a segment a newer revision wrote, so a
 * workflow's write that lands between the rescoring's snapshot and its ledger is not undone.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import type { LedgerEntry } from '../../engine/lead-records';
import { appendInBulk, inCommands, onlyDuplicates } from './commands';
import { modelFor } from './connect';

export const SEGMENT_ENTRIES = 500;
/** Segment ids per `$in` read. */
const IDS_PER_QUERY = 1_000;

/**
 * A segment as stored: each entry one JSON string. FerretDB encodes and decodes a string far
 * faster than a document (a rescoring writes every lead's ledger), and an array still takes a
 * live turn's entries by `$push`, without a read. An entry is written as a JSON array of its
 * fields, without the lead id (the segment's) and its entry id when that is the usual
 * `<leadId>/<eventId>:<ruleId>[:<suffix>]`: a third less to encode, send and store than the
 * object. Entries stored as JSON objects (earlier releases) read the same.
 */
interface LedgerSegment {
  _id: string;
  leadId: string;
  count: number;
  entries: string[];
  /** The read-side revision that wrote the segment last (absent in segments of earlier releases: 0). */
  revision?: number;
  /** How many inputs the lead had applied as of that write (absent when a rescoring or an earlier release wrote it). */
  inputCount?: number;
}

/** Where a workflow's write stands among the lead's writes: its read-side revision, over how many inputs. */
export interface WriteOrder {
  revision: number;
  inputCount?: number;
}

type PackedEntry = [sequence: number, eventId: string, eventType: string, ruleId: string, ruleName: string, score: string, points: number, occurredAt: string, reason: string, modelVersion: number, entryIdSuffix?: string];

const encode = (leadId: string, entries: readonly LedgerEntry[]) =>
  entries.map((entry) => {
    const packed: PackedEntry = [entry.sequence, entry.eventId, entry.eventType, entry.ruleId, entry.ruleName, entry.score, entry.points, entry.occurredAt, entry.reason, entry.modelVersion];
    const usual = `${leadId}/${entry.eventId}:${entry.ruleId}`;
    // The suffix after the usual id (`:` and what follows), or the whole id when it is not the usual one.
    if (entry.entryId !== usual) packed.push(entry.entryId.startsWith(`${usual}:`) ? entry.entryId.slice(usual.length) : `=${entry.entryId}`);
    return JSON.stringify(packed);
  });

const decode = (segment: LedgerSegment | undefined): LedgerEntry[] =>
  (segment?.entries ?? []).map((line) => {
    if (line[0] !== '[') return JSON.parse(line) as LedgerEntry;
    const [sequence, eventId, eventType, ruleId, ruleName, score, points, occurredAt, reason, modelVersion, suffix] = JSON.parse(line) as PackedEntry;
    const leadId = segment!.leadId;
    const usual = `${leadId}/${eventId}:${ruleId}`;
    const entryId = suffix === undefined ? usual : suffix.startsWith('=') ? suffix.slice(1) : `${usual}${suffix}`;
    // The fields in the order the lifecycle core writes them.
    return { entryId, sequence, leadId, eventId, eventType, ruleId, ruleName, score, points, occurredAt, reason, modelVersion };
  });

const segmentSchema = new Schema<LedgerSegment>(
  {
    _id: { type: String, required: true },
    leadId: { type: String, required: true },
    count: { type: Number, required: true },
    entries: { type: Schema.Types.Mixed, required: true },
    revision: { type: Number },
    inputCount: { type: Number },
  },
  { collection: 'lead_ledgers', versionKey: false, minimize: false },
);

const segmentId = (leadId: string, k: number) => `${leadId}#${k}`;
const segmentsOf = (size: number) => Math.ceil(size / SEGMENT_ENTRIES);

export function createLedgerRepository(connection: Connection = mongoose.connection) {
  const Segment = modelFor(connection, 'LedgerSegment', segmentSchema);

  /** Segments by id, in one read per thousand. */
  async function segments(ids: readonly string[]): Promise<Map<string, LedgerSegment>> {
    const found = new Map<string, LedgerSegment>();
    for (let first = 0; first < ids.length; first += IDS_PER_QUERY) {
      const rows = await Segment.find({ _id: { $in: ids.slice(first, first + IDS_PER_QUERY) } }).lean<LedgerSegment[]>();
      for (const row of rows) found.set(row._id, row);
    }
    return found;
  }

  /** A lead's whole ledger as replacement segment documents, written by `revision`. */
  const wholeLedger = (leadId: string, entries: readonly LedgerEntry[], revision: number) =>
    Array.from({ length: segmentsOf(entries.length) }, (_, k) => {
      const part = entries.slice(k * SEGMENT_ENTRIES, (k + 1) * SEGMENT_ENTRIES);
      return { _id: segmentId(leadId, k), leadId, count: part.length, entries: encode(leadId, part), revision };
    });
  /** Matches a segment that no write later than `order` made (see `write`). */
  const writableBy = ({ revision, inputCount }: WriteOrder) => ({
    $or: [
      { revision: { $lt: revision } },
      { revision: { $exists: false } },
      { revision, inputCount: { $exists: false } },
      ...(inputCount === undefined ? [{ revision }] : [{ revision, inputCount: { $lte: inputCount } }]),
    ],
  });
  const stampOf = ({ revision, inputCount }: WriteOrder) => ({ revision, ...(inputCount !== undefined && { inputCount }) });
  /**
   * The live path's append: entries from sequence `from` pushed onto the segment that holds it,
   * guarded by the count of entries before them and by `order` (see `write`); no read.
   */
  const appendTo = (leadId: string, from: number, entries: readonly LedgerEntry[], order: WriteOrder) => {
    const offset = from % SEGMENT_ENTRIES;
    return {
      filter: { _id: segmentId(leadId, Math.floor(from / SEGMENT_ENTRIES)), count: offset, ...writableBy(order) },
      update: { $push: { entries: { $each: encode(leadId, entries) } }, $set: { count: offset + entries.length, ...stampOf(order) } },
    };
  };
  /** Matches a segment no newer revision than `revision` wrote. */
  const notNewerThan = (revision: number) => ({ $or: [{ revision: { $lte: revision } }, { revision: { $exists: false } }] });

  const repository = {
    model: Segment,

    /**
     * Writes a lead's entries from sequence `from` on (`entries` are sequences from, from + 1, …),
     * keeping those before it; with `previousSize`, segments past the new end are removed (a
     * rewrite that made the ledger shorter). Safe to repeat: the result depends only on the call.
     * The lead's workflow writes, as read-side `revision` (always its newest) over `inputCount`
     * inputs: a segment a later write changed (a newer revision, or the same turn redone over
     * more inputs after its worker died) is left as it is, so a slow first attempt never undoes
     * its redone turn.
     */
    async write(leadId: string, from: number, entries: readonly LedgerEntry[], order: WriteOrder, previousSize?: number): Promise<void> {
      const stamp = stampOf(order);
      const mine = writableBy(order);
      const end = from + entries.length;
      for (let k = Math.floor(from / SEGMENT_ENTRIES); k * SEGMENT_ENTRIES < end; k++) {
        const start = k * SEGMENT_ENTRIES;
        const part = entries.slice(Math.max(0, start - from), start + SEGMENT_ENTRIES - from);
        const offset = Math.max(from, start) - start;
        // An append to a segment as stored (the live path): one guarded update, no read.
        if (offset > 0 && previousSize === undefined) {
          const { filter, update } = appendTo(leadId, start + offset, part, order);
          const appended = await Segment.updateOne(filter, update);
          if (appended.matchedCount === 1) continue;
        }
        let kept: LedgerEntry[] = [];
        if (offset > 0) {
          const stored = await Segment.findById(segmentId(leadId, k)).lean<LedgerSegment>();
          if (stored && !isWritableBy(stored, order)) continue;
          kept = decode(stored ?? undefined).slice(0, offset);
          if (kept.length < offset) throw new Error(`ledger of lead ${leadId}: entries before ${start + offset} are missing`);
        }
        const all = [...kept, ...part];
        await Segment.replaceOne({ _id: segmentId(leadId, k), ...mine }, { _id: segmentId(leadId, k), leadId, count: all.length, entries: encode(leadId, all), ...stamp }, { upsert: true }).catch((err: unknown) => {
          // The segment is there and a later write made it: it stands.
          if (!onlyDuplicates(err)) throw err;
        });
      }
      if (previousSize !== undefined && segmentsOf(previousSize) > segmentsOf(end)) {
        const gone = Array.from({ length: segmentsOf(previousSize) - segmentsOf(end) }, (_, i) => segmentId(leadId, segmentsOf(end) + i));
        await Segment.deleteMany({ _id: { $in: gone }, ...mine });
      }
    },

    /**
     * Many leads' appends at once (the live turns of many leads, written together: turn-writes.ts),
     * each with `write`'s guarantees. An append onto a segment as stored, the live path, is one
     * guarded statement in a bulk command shared with the others; any other append, and every
     * append of a command in which one did not land that way (a repeat, a redone turn), is written
     * by `write`, which is safe to repeat.
     */
    async appendMany(items: ReadonlyArray<{ leadId: string; from: number; entries: readonly LedgerEntry[]; order: WriteOrder }>): Promise<void> {
      await appendInBulk(
        items,
        ({ from, entries }) => from % SEGMENT_ENTRIES > 0 && (from % SEGMENT_ENTRIES) + entries.length <= SEGMENT_ENTRIES,
        async (chunk) => (await Segment.bulkWrite(chunk.map(({ leadId, from, entries, order }) => ({ updateOne: appendTo(leadId, from, entries, order) })), { ordered: false })).matchedCount,
        ({ leadId, from, entries, order }) => repository.write(leadId, from, entries, order),
      );
    },

    /**
     * Many leads' whole ledgers at once (a rescoring, a first life, a seeding), each as read-side
     * `revision`, replacing what they had, except segments a newer revision wrote meanwhile (the
     * lead's workflow moved on: its ledger stands).
     */
    async replaceMany(items: ReadonlyArray<{ leadId: string; entries: readonly LedgerEntry[]; revision: number; previousSize?: number }>): Promise<void> {
      const docs = items.flatMap(({ leadId, entries, revision }) => wholeLedger(leadId, entries, revision));
      const replace = (doc: (typeof docs)[number]) => ({ replaceOne: { filter: { _id: doc._id, ...notNewerThan(doc.revision) }, replacement: doc, upsert: true } });
      await inCommands(docs, async (chunk) => {
        try {
          await Segment.bulkWrite(chunk.map(replace), { ordered: false });
        } catch (err) {
          // A newer segment refuses the upsert on its key; FerretDB v1 may stop there: the rest one by one.
          if (!onlyDuplicates(err)) throw err;
          for (const doc of chunk) await Segment.bulkWrite([replace(doc)]).catch((one: unknown) => {
            if (!onlyDuplicates(one)) throw one;
          });
        }
      });
      const gone = items.flatMap(({ leadId, entries, previousSize, revision }) =>
        Array.from({ length: Math.max(0, segmentsOf(previousSize ?? 0) - segmentsOf(entries.length)) }, (_, i) => ({ id: segmentId(leadId, segmentsOf(entries.length) + i), revision })),
      );
      for (const { id, revision } of gone) await Segment.deleteOne({ _id: id, ...notNewerThan(revision) });
    },

    /** A lead's entries from sequence `from`, at most `limit`, in order; `size` is the lead's ledger size. */
    async read(leadId: string, size: number, from: number, limit: number): Promise<LedgerEntry[]> {
      const last = Math.min(size, from + limit);
      if (last <= from) return [];
      const ids = Array.from({ length: segmentsOf(last) - Math.floor(from / SEGMENT_ENTRIES) }, (_, i) => segmentId(leadId, Math.floor(from / SEGMENT_ENTRIES) + i));
      const found = await segments(ids);
      return ids.flatMap((id) => decode(found.get(id))).filter((entry) => entry.sequence >= from && entry.sequence < last);
    },

    /** Several leads' entries before `upTo` (each lead's own), in order. */
    async readMany(leads: ReadonlyArray<{ leadId: string; upTo: number }>): Promise<Map<string, LedgerEntry[]>> {
      const ids = leads.flatMap(({ leadId, upTo }) => Array.from({ length: segmentsOf(upTo) }, (_, k) => segmentId(leadId, k)));
      const found = await segments(ids);
      return new Map(
        leads.map(({ leadId, upTo }) => [
          leadId,
          Array.from({ length: segmentsOf(upTo) }, (_, k) => decode(found.get(segmentId(leadId, k))))
            .flat()
            .filter((entry) => entry.sequence < upTo),
        ]),
      );
    },
  };
  return repository;
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;

/** `writableBy`, for a segment read already. */
function isWritableBy(stored: LedgerSegment, { revision, inputCount }: WriteOrder): boolean {
  if (stored.revision === undefined || stored.revision < revision) return true;
  if (stored.revision > revision) return false;
  return stored.inputCount === undefined || inputCount === undefined || stored.inputCount <= inputCount;
}
