/**
 * Each lead's score ledger, packed: document `<leadId>#<k>` holds entries k·SEGMENT_ENTRIES
 * onwards (at most SEGMENT_ENTRIES of them) in sequence order. A lead's ledger is read, appended
 * to and rewritten by `_id` alone, the one key every MongoDB-protocol server looks up by index:
 * a lead's page reads one or two documents, a live turn appends to one, and a rescoring rewrites
 * a lead's whole ledger in one write instead of deleting and inserting dozens of entries (which,
 * for 100,000 leads, were millions of documents). Entries keep their `entryId` and `sequence`.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import type { LedgerEntry } from '../../engine/lead-records';
import { inCommands } from './commands';
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

  /** A lead's whole ledger as replacement segment documents. */
  const wholeLedger = (leadId: string, entries: readonly LedgerEntry[]) =>
    Array.from({ length: segmentsOf(entries.length) }, (_, k) => {
      const part = entries.slice(k * SEGMENT_ENTRIES, (k + 1) * SEGMENT_ENTRIES);
      return { _id: segmentId(leadId, k), leadId, count: part.length, entries: encode(leadId, part) };
    });

  return {
    model: Segment,

    /**
     * Writes a lead's entries from sequence `from` on (`entries` are sequences from, from + 1, …),
     * keeping those before it; with `previousSize`, segments past the new end are removed (a
     * rewrite that made the ledger shorter). Safe to repeat: the result depends only on the call.
     */
    async write(leadId: string, from: number, entries: readonly LedgerEntry[], previousSize?: number): Promise<void> {
      const end = from + entries.length;
      for (let k = Math.floor(from / SEGMENT_ENTRIES); k * SEGMENT_ENTRIES < end; k++) {
        const start = k * SEGMENT_ENTRIES;
        const part = entries.slice(Math.max(0, start - from), start + SEGMENT_ENTRIES - from);
        const offset = Math.max(from, start) - start;
        // An append to a segment as stored (the live path): one guarded update, no read.
        if (offset > 0 && previousSize === undefined) {
          const appended = await Segment.updateOne({ _id: segmentId(leadId, k), count: offset }, { $push: { entries: { $each: encode(leadId, part) } }, $set: { count: offset + part.length } });
          if (appended.matchedCount === 1) continue;
        }
        let kept: LedgerEntry[] = [];
        if (offset > 0) {
          const stored = await Segment.findById(segmentId(leadId, k)).lean<LedgerSegment>();
          kept = decode(stored ?? undefined).slice(0, offset);
          if (kept.length < offset) throw new Error(`ledger of lead ${leadId}: entries before ${start + offset} are missing`);
        }
        const all = [...kept, ...part];
        await Segment.replaceOne({ _id: segmentId(leadId, k) }, { _id: segmentId(leadId, k), leadId, count: all.length, entries: encode(leadId, all) }, { upsert: true });
      }
      if (previousSize !== undefined && segmentsOf(previousSize) > segmentsOf(end)) {
        const gone = Array.from({ length: segmentsOf(previousSize) - segmentsOf(end) }, (_, i) => segmentId(leadId, segmentsOf(end) + i));
        await Segment.deleteMany({ _id: { $in: gone } });
      }
    },

    /** Many leads' whole ledgers at once (a rescoring, a seeding), replacing what they had. */
    async replaceMany(items: ReadonlyArray<{ leadId: string; entries: readonly LedgerEntry[]; previousSize?: number }>): Promise<void> {
      const docs = items.flatMap(({ leadId, entries }) => wholeLedger(leadId, entries));
      await inCommands(docs, async (chunk) => {
        await Segment.bulkWrite(chunk.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })), { ordered: false });
      });
      const gone = items.flatMap(({ leadId, entries, previousSize }) =>
        Array.from({ length: Math.max(0, segmentsOf(previousSize ?? 0) - segmentsOf(entries.length)) }, (_, i) => segmentId(leadId, segmentsOf(entries.length) + i)),
      );
      for (let first = 0; first < gone.length; first += IDS_PER_QUERY) await Segment.deleteMany({ _id: { $in: gone.slice(first, first + IDS_PER_QUERY) } });
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
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
