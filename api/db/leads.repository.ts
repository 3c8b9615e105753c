/**
 * The read side of leads, written by the lead workflow: snapshots, the score ledger and
 * handoffs. Every write is idempotent, so a retried activity never writes twice.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import type { Handoff, LeadSnapshot, LedgerEntry, ProjectionWrite } from '../../workflows/lead.definitions';
import { PERSON_ATTRIBUTES } from '../../engine/person';
import type { HandoffRow, LeadRow } from '../features/reports/lead-stats';
import type { HistoryLead } from '../../engine/calibration/leadflow-history';
import { DUPLICATE_KEY, inCommands, onlyDuplicates, TURNS_PER_COMMAND } from './commands';
import { modelFor } from './connect';
import { createLedgerRepository, SEGMENT_ENTRIES, type WriteOrder } from './ledgers.repository';

// Each collection's natural key is its `_id` (see natural-keys.ts): the one key FerretDB indexes.
export type Keyed<T> = T & { _id: string };

type StoredLead = Keyed<LeadSnapshot>;

const leadSchema = new Schema<StoredLead>(
  {
    _id: { type: String, required: true },
    leadId: { type: String, required: true },
    stage: { type: String, required: true },
    scores: { type: Schema.Types.Mixed, default: {} },
    total: { type: Number, required: true },
    grade: { type: String, default: null },
    segment: { type: String, default: null },
    modelVersion: { type: Number, default: null },
    attributes: { type: Schema.Types.Mixed, default: {} },
    lastActivityAt: { type: String, default: null },
    eventCount: { type: Number, required: true },
    ledgerSize: { type: Number, required: true },
    handoff: { type: Schema.Types.Mixed, default: null },
    stageHistory: { type: Schema.Types.Mixed, default: [] },
    revision: { type: Number, required: true },
    inputCount: { type: Number },
  },
  { collection: 'leads', versionKey: false, minimize: false },
);

const handoffSchema = new Schema<Keyed<Handoff>>(
  {
    _id: { type: String, required: true },
    handoffId: { type: String, required: true },
    leadId: { type: String, required: true },
    queue: { type: String, required: true },
    team: { type: String, required: true },
    owner: String,
    routeId: String,
    status: { type: String, required: true },
    createdAt: { type: String, required: true },
    slaDueAt: { type: String, required: true },
    slaHours: { type: Number, required: true },
    escalateTo: String,
    maxEscalations: { type: Number, required: true },
    escalations: { type: Number, required: true },
    score: { type: Number, required: true },
    qualifiedBy: { type: String, required: true },
    grade: String,
    modelVersion: { type: Number, required: true },
    qualifiedAtSequence: Number,
    decidedAt: String,
    reason: String,
    note: String,
  },
  { collection: 'handoffs', versionKey: false },
);

// The lead search filters by stage and sorts by score.
leadSchema.index({ stage: 1, total: -1 });

// The sales queue lists a queue's handoffs by status, oldest first.
handoffSchema.index({ queue: 1, status: 1, createdAt: 1 });

const SNAPSHOT_ONLY = { _id: 0 };

/** Lead ids per `$in` read. */
const IDS_PER_QUERY = 1_000;

/** Statements per update command in bulk writes (see writeProjections). */
const UPDATES_PER_COMMAND = 50;

/** What a rescoring reads of a lead. */
export type RescoreCandidate = Pick<LeadSnapshot, 'leadId' | 'revision' | 'inputCount' | 'stage' | 'handoff' | 'stageHistory' | 'ledgerSize'>;

/** Filters of the lead search; every one optional. */
export interface LeadFilter {
  stage?: LeadSnapshot['stage'];
  grade?: string;
  segment?: string;
  owner?: string;
  minScore?: number;
  maxScore?: number;
  /** Leads whose current handoff is in one of these queues (a sales key's scope). */
  queues?: string[];
  /** With `queues`: handoffs assigned to this owner or to nobody. */
  assignee?: string;
  /** Words that must each begin a word of the lead's name, company or email, or be in its id (any case). */
  text?: string;
}

/** How a lead search is ordered: a field, descending with a leading "-" (ties by lead id). */
export const LEAD_SORTS = ['-total', 'total', '-lastActivityAt', 'lastActivityAt', 'leadId', '-leadId', 'name', '-name', 'company', '-company', 'stage', '-stage'] as const;
export type LeadSort = (typeof LEAD_SORTS)[number];

const SORT_FIELDS: Record<string, string[]> = {
  total: ['total'],
  lastActivityAt: ['lastActivityAt'],
  leadId: ['leadId'],
  name: ['attributes.lastName', 'attributes.firstName'],
  company: ['attributes.company'],
  stage: ['stage'],
};

/** The person's fields a text search looks in. */
const TEXT_FIELDS = ['attributes.firstName', 'attributes.lastName', 'attributes.company', 'attributes.email'];

/** Where a snapshot's write stands among the lead's writes (ledgers.repository.ts). */
const orderOf = (snapshot: LeadSnapshot): WriteOrder => ({ revision: snapshot.revision, ...(snapshot.inputCount !== undefined && { inputCount: snapshot.inputCount }) });

/** Stored snapshots that `snapshot` supersedes: an older revision, or the same one over fewer inputs. */
const olderThan = (snapshot: LeadSnapshot) => [{ revision: { $lt: snapshot.revision } }, { revision: snapshot.revision, inputCount: { $lt: snapshot.inputCount ?? 0 } }];

export function createLeadRepository(connection: Connection = mongoose.connection) {
  const Lead = modelFor(connection, 'Lead', leadSchema);
  const ledgers = createLedgerRepository(connection);
  const HandoffModel = modelFor(connection, 'Handoff', handoffSchema);

  const repository = {
    models: [Lead, ledgers.model, HandoffModel] as const,

    /** Writes a lead's ledger entries from sequence `from` on (a long rewrite, a part at a time, ahead of its projection write). */
    async writeLedger(leadId: string, from: number, entries: readonly LedgerEntry[], order: WriteOrder): Promise<void> {
      await ledgers.write(leadId, from, entries, order);
    },

    /**
     * Applies one workflow write: ledger entries and handoffs first, then the snapshot. A write
     * that replaces the ledger from `ledgerFrom` (a late input or a rescoring refolded the lead)
     * removes the entries stored from there first; each lead has one writer at a time (its
     * workflow), so the two steps need no transaction, and a retried write does the same again.
     *
     * The write runs inside the workflow task (a local activity), so a worker that dies after
     * writing but before Temporal heard of the task has the task done again, by another worker,
     * with the same revision number but every input that arrived meanwhile. That redone turn is
     * the lead's truth: a snapshot of the same revision that applied more inputs replaces the
     * stored one. An older revision, or the same one with no more inputs (a repeat), changes nothing.
     */
    async writeProjection({ snapshot, ledgerFrom, ledger, handoffs, replace }: ProjectionWrite): Promise<void> {
      // A rewrite may leave the ledger shorter, and open fewer handoffs: what the lead had tells.
      const previous = replace ? await Lead.findById(snapshot.leadId, { ledgerSize: 1, 'handoff.handoffId': 1 }).lean<{ ledgerSize: number; handoff: Pick<Handoff, 'handoffId'> | null }>() : null;
      await ledgers.write(snapshot.leadId, ledgerFrom, ledger, orderOf(snapshot), replace ? (previous?.ledgerSize ?? 0) : undefined);
      for (const handoff of handoffs) await writeHandoff(HandoffModel, handoff, replace === true);
      if (replace) await withdrawHandoffsAfter(HandoffModel, snapshot, previous?.handoff?.handoffId);
      await upsertIgnoringRace(Lead, { _id: snapshot.leadId, $or: olderThan(snapshot) }, { _id: snapshot.leadId, ...snapshot });
    },

    /**
     * Many leads' turns at once (the worker's turns that finish together: turn-writes.ts), each
     * with writeProjection's guarantees. The usual live write (ledger entries appended, a handoff
     * opened or changed, nothing replaced) shares bulk commands with the others: the ledgers'
     * appends, then the handoffs, then the snapshots. A replacement is writeProjection's own.
     */
    async writeTurns(writes: readonly ProjectionWrite[]): Promise<void> {
      const own = writes.filter((write) => write.replace);
      const shared = writes.filter((write) => !write.replace);
      const writeShared = async () => {
        await ledgers.appendMany(shared.map(({ snapshot, ledgerFrom, ledger }) => ({ leadId: snapshot.leadId, from: ledgerFrom, entries: ledger, order: orderOf(snapshot) })));
        const handoffs = shared.flatMap((write) => write.handoffs);
        await inCommands(handoffs, (chunk) => upsertInBulk(HandoffModel, chunk.map((handoff) => ({ filter: handoffFilter(handoff, false), doc: { _id: handoff.handoffId, ...handoff } }))), TURNS_PER_COMMAND, 1);
        await inCommands(shared, (chunk) => upsertSnapshots(Lead, chunk, (snapshot) => ({ $or: olderThan(snapshot) })), TURNS_PER_COMMAND, 1);
      };
      await Promise.all([...own.map((write) => repository.writeProjection(write)), writeShared()]);
    },

    /**
     * Many leads' writes at once (seeding a store, as the benchmarks do), each with
     * writeProjection's guarantees for a lead's first write: ledger entries inserted once by entry
     * id, and a snapshot that replaces the stored one only if it is newer.
     */
    async writeProjections(writes: ReadonlyArray<Pick<ProjectionWrite, 'snapshot' | 'ledger' | 'handoffs'>>): Promise<void> {
      await ledgers.replaceMany(writes.map((write) => ({ leadId: write.snapshot.leadId, entries: write.ledger, revision: write.snapshot.revision })));
      for (const handoff of writes.flatMap((write) => write.handoffs)) await writeHandoff(HandoffModel, handoff);
      for (let first = 0; first < writes.length; first += UPDATES_PER_COMMAND) {
        await upsertSnapshots(Lead, writes.slice(first, first + UPDATES_PER_COMMAND), (snapshot) => ({ revision: { $lt: snapshot.revision } }));
      }
    },

    /** How many inputs each of these leads has applied (its log's length), for those that have a read side. */
    async inputCounts(leadIds: readonly string[]): Promise<Array<{ leadId: string; inputCount: number }>> {
      const out: Array<{ leadId: string; inputCount: number }> = [];
      for (let first = 0; first < leadIds.length; first += IDS_PER_QUERY) {
        const rows = await Lead.find({ _id: { $in: leadIds.slice(first, first + IDS_PER_QUERY) } }, { _id: 1, inputCount: 1 }).lean<Array<{ _id: string; inputCount?: number }>>();
        for (const row of rows) if (row.inputCount) out.push({ leadId: row._id, inputCount: row.inputCount });
      }
      return out;
    },

    /** Which of these leads have a read side already (their workflow, or an import, wrote it). */
    async existing(leadIds: readonly string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (let first = 0; first < leadIds.length; first += IDS_PER_QUERY) {
        const rows = await Lead.find({ _id: { $in: leadIds.slice(first, first + IDS_PER_QUERY) } }, { _id: 1 }).lean<Array<{ _id: string }>>();
        for (const row of rows) found.add(row._id);
      }
      return found;
    },

    /**
     * New leads' first lives, started in bulk (workflows/first-life.ts): each lead's snapshot
     * goes in only where the lead has none, which claims it; then the claimed leads' ledgers and
     * handoffs. Returns the leads claimed: one another writer had meanwhile is left to it.
     */
    async writeFirstLives(items: ReadonlyArray<{ snapshot: LeadSnapshot; ledger: LedgerEntry[]; handoffs: Handoff[] }>): Promise<Set<string>> {
      const claimed = new Set<string>();
      await inCommands(items, async (chunk) => {
        try {
          await Lead.insertMany(
            chunk.map(({ snapshot }) => ({ _id: snapshot.leadId, ...snapshot })),
            { ordered: false, lean: true },
          );
          for (const { snapshot } of chunk) claimed.add(snapshot.leadId);
        } catch (err) {
          if (!onlyDuplicates(err)) throw err;
          // Some lead had a snapshot already; FerretDB v1 may stop at the first one: one by one.
          for (const { snapshot } of chunk) {
            try {
              await Lead.create({ _id: snapshot.leadId, ...snapshot });
              claimed.add(snapshot.leadId);
            } catch (one) {
              if (!onlyDuplicates(one)) throw one;
            }
          }
        }
      });
      const mine = items.filter((item) => claimed.has(item.snapshot.leadId));
      await ledgers.replaceMany(mine.map((item) => ({ leadId: item.snapshot.leadId, entries: item.ledger, revision: item.snapshot.revision })));
      await inCommands(
        mine.flatMap((item) => item.handoffs),
        async (chunk) => {
          await HandoffModel.bulkWrite(chunk.map((handoff) => ({ replaceOne: { filter: { _id: handoff.handoffId }, replacement: { _id: handoff.handoffId, ...handoff }, upsert: true } })), { ordered: false });
        },
      );
      return claimed;
    },

    /**
     * A rescoring's writes: each lead's replayed read side, only if the lead is still at the
     * revision it was replayed from (a lead whose workflow wrote meanwhile replays itself). The
     * snapshot keeps that revision, so the workflow's next write supersedes it. Returns the leads
     * written; their ledgers are then replaced.
     */
    async writeRescores(items: ReadonlyArray<{ base: number; snapshot: LeadSnapshot; ledger: LedgerEntry[]; handoffs: Handoff[]; previousLedgerSize?: number; previousHandoffId?: string }>): Promise<Set<string>> {
      const written = new Set<string>();
      // Commands of a bounded size, two in flight (commands.ts).
      await inCommands(items, async (chunk) => {
        const result = await Lead.bulkWrite(
          chunk.map(({ base, snapshot }) => ({ replaceOne: { filter: { _id: snapshot.leadId, revision: base }, replacement: { _id: snapshot.leadId, ...snapshot, revision: base } } })),
          { ordered: false },
        );
        if (result.matchedCount === chunk.length) {
          for (const { snapshot } of chunk) written.add(snapshot.leadId);
          return;
        }
        // Some lead moved on meanwhile: read back which writes landed.
        const rows = await Lead.find({ _id: { $in: chunk.map((item) => item.snapshot.leadId) } }, { revision: 1, modelVersion: 1, ledgerSize: 1 }).lean<Array<{ _id: string; revision: number; modelVersion: number | null; ledgerSize: number }>>();
        const landed = new Map(rows.map((row) => [row._id, row]));
        for (const { base, snapshot } of chunk) {
          const row = landed.get(snapshot.leadId);
          if (row?.revision === base && row.modelVersion === snapshot.modelVersion && row.ledgerSize === snapshot.ledgerSize) written.add(snapshot.leadId);
        }
      });
      const mine = items.filter((item) => written.has(item.snapshot.leadId));
      // As of the revision read: a segment the lead's workflow wrote since stands (ledgers.repository.ts).
      await ledgers.replaceMany(mine.map((item) => ({ leadId: item.snapshot.leadId, entries: item.ledger, revision: item.base, ...(item.previousLedgerSize !== undefined && { previousSize: item.previousLedgerSize }) })));
      // The replay's handoffs are what happened: each replaces what was stored under its id.
      await inCommands(
        mine.flatMap((item) => item.handoffs),
        async (chunk) => {
          await HandoffModel.bulkWrite(chunk.map((handoff) => ({ replaceOne: { filter: { _id: handoff.handoffId }, replacement: { _id: handoff.handoffId, ...handoff }, upsert: true } })), { ordered: false });
        },
      );
      for (const item of mine) await withdrawHandoffsAfter(HandoffModel, item.snapshot, item.previousHandoffId);
      return written;
    },

    /** Leads matching `filter`, in `sort` order (highest score first unless said; ties by id), one page at a time. */
    async search(filter: LeadFilter, page: number, pageSize: number, sort: LeadSort = '-total'): Promise<{ total: number; leads: LeadSnapshot[] }> {
      const query: mongoose.QueryFilter<Keyed<LeadSnapshot>> = {};
      const all: Array<mongoose.QueryFilter<Keyed<LeadSnapshot>>> = [];
      if (filter.stage) query.stage = filter.stage;
      if (filter.grade) query.grade = filter.grade;
      if (filter.segment) query.segment = filter.segment;
      if (filter.owner) query['handoff.owner'] = filter.owner;
      if (filter.queues) query['handoff.queue'] = { $in: filter.queues };
      if (filter.assignee) all.push({ $or: [{ 'handoff.owner': filter.assignee }, { 'handoff.owner': { $exists: false } }] });
      if (filter.minScore !== undefined || filter.maxScore !== undefined) {
        query.total = { ...(filter.minScore !== undefined && { $gte: filter.minScore }), ...(filter.maxScore !== undefined && { $lte: filter.maxScore }) };
      }
      for (const word of (filter.text ?? '').split(/\s+/).filter(Boolean)) {
        const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        // A word starts the name, company or email, or any word in them; the id may hold it anywhere.
        const starts = { $regex: `(^|[\\s@.,-])${escaped}`, $options: 'i' };
        all.push({ $or: [...TEXT_FIELDS.map((field) => ({ [field]: starts })), { leadId: { $regex: escaped, $options: 'i' } }] });
      }
      if (all.length > 0) query.$and = all;
      const descending = sort.startsWith('-');
      const order: Record<string, 1 | -1> = {};
      for (const field of SORT_FIELDS[sort.replace(/^-/, '')] ?? ['total']) order[field] = descending ? -1 : 1;
      order.leadId ??= 1;
      const [total, leads] = await Promise.all([
        Lead.countDocuments(query),
        Lead.find(query, SNAPSHOT_ONLY).sort(order).skip((page - 1) * pageSize).limit(pageSize).lean<LeadSnapshot[]>(),
      ]);
      return { total, leads };
    },

    async getLead(leadId: string): Promise<LeadSnapshot | null> {
      return Lead.findOne({ _id: leadId }, SNAPSHOT_ONLY).lean<LeadSnapshot>();
    },

    async ledger(leadId: string, limit: number, from = 0): Promise<LedgerEntry[]> {
      const lead = await Lead.findById(leadId, { ledgerSize: 1 }).lean<{ ledgerSize: number }>();
      return lead ? ledgers.read(leadId, lead.ledgerSize, from, limit) : [];
    },

    /** Every queue that has had a handoff, with how many are pending in each. */
    async queues(): Promise<Array<{ queue: string; pending: number; total: number }>> {
      const rows = await HandoffModel.aggregate<{ _id: { queue: string; status: string }; n: number }>([{ $group: { _id: { queue: '$queue', status: '$status' }, n: { $sum: 1 } } }]);
      const byQueue = new Map<string, { queue: string; pending: number; total: number }>();
      for (const { _id, n } of rows) {
        const entry = byQueue.get(_id.queue) ?? { queue: _id.queue, pending: 0, total: 0 };
        entry.total += n;
        if (_id.status === 'pending') entry.pending += n;
        byQueue.set(_id.queue, entry);
      }
      return [...byQueue.values()].sort((a, b) => a.queue.localeCompare(b.queue));
    },

    /** Lead ids after `after`, in id order (a cursor for batch jobs). */
    async listLeadIds(after: string, limit: number): Promise<string[]> {
      const rows = await Lead.find({ _id: { $gt: after } }, { _id: 1 }).sort({ _id: 1 }).limit(limit).lean<Array<{ _id: string }>>();
      return rows.map((row) => row._id);
    },

    /** The leads after `after` in id order, at most `limit`, with what a rescoring needs of each. */
    async leadsToRescore(after: string, limit: number): Promise<RescoreCandidate[]> {
      return Lead.find({ _id: { $gt: after } }, { _id: 0, leadId: 1, revision: 1, inputCount: 1, stage: 1, handoff: 1, stageHistory: 1, ledgerSize: 1 })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<RescoreCandidate[]>();
    },

    /**
     * How many leads there are, from the collection's statistics: FerretDB counts documents by
     * decoding each (35 s for 100,000 leads), while its statistics count SQLite's rows (0.1 s).
     * A server that gives no statistics counts the documents.
     */
    async countLeads(): Promise<number> {
      const stats = await Lead.aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).catch(() => []);
      const count = stats[0]?.count;
      return typeof count === 'number' ? count : Lead.countDocuments();
    },

    /**
     * Per handoff, the rules that gave its lead the most points up to the moment it qualified
     * (the ledger before `qualifiedAtSequence`), best first: why a lead is in a sales queue.
     * One read for the whole page of handoffs.
     */
    async qualifyingRules(handoffs: ReadonlyArray<Pick<Handoff, 'handoffId' | 'leadId' | 'qualifiedAtSequence'>>, perHandoff: number): Promise<Map<string, Array<{ ruleId: string; ruleName: string; points: number }>>> {
      // A handoff from before qualifiedAtSequence was kept: the lead's first segment of entries.
      const upTo = new Map<string, number>();
      for (const h of handoffs) upTo.set(h.leadId, Math.max(upTo.get(h.leadId) ?? 0, h.qualifiedAtSequence ?? SEGMENT_ENTRIES));
      const byLead = await ledgers.readMany([...upTo].map(([leadId, before]) => ({ leadId, upTo: before })));
      const why = new Map<string, Array<{ ruleId: string; ruleName: string; points: number }>>();
      for (const handoff of handoffs) {
        const rules = new Map<string, { ruleId: string; ruleName: string; points: number }>();
        for (const entry of byLead.get(handoff.leadId) ?? []) {
          if (entry.points <= 0 || (handoff.qualifiedAtSequence !== undefined && entry.sequence >= handoff.qualifiedAtSequence)) continue;
          const rule = rules.get(entry.ruleId) ?? { ruleId: entry.ruleId, ruleName: entry.ruleName, points: 0 };
          rule.points += entry.points;
          rules.set(entry.ruleId, rule);
        }
        why.set(handoff.handoffId, [...rules.values()].sort((a, b) => b.points - a.points || a.ruleId.localeCompare(b.ruleId)).slice(0, perHandoff));
      }
      return why;
    },

    /**
     * What a sales queue shows of its leads besides their handoffs: who each person is (from the
     * lead's attributes), the score now, and the stage changes that say why it qualified. One
     * read for the whole page.
     */
    async queueLeads(leadIds: readonly string[]): Promise<Map<string, QueueLead>> {
      const found = new Map<string, QueueLead>();
      const ids = [...new Set(leadIds)];
      const projection = { _id: 0, leadId: 1, total: 1, stageHistory: 1, ...Object.fromEntries(PERSON_ATTRIBUTES.map((field) => [`attributes.${field}`, 1])) };
      for (let first = 0; first < ids.length; first += IDS_PER_QUERY) {
        const rows = await Lead.find({ _id: { $in: ids.slice(first, first + IDS_PER_QUERY) } }, projection).lean<QueueLead[]>();
        for (const row of rows) found.set(row.leadId, row);
      }
      return found;
    },

    async getHandoff(handoffId: string): Promise<Handoff | null> {
      return HandoffModel.findOne({ _id: handoffId }, { _id: 0 }).lean<Handoff>();
    },

    /**
     * Every lead's report fields, streamed in batches so that a large population never sits in
     * memory as documents. `segment` narrows it.
     */
    async *scanReportRows(segment?: string): AsyncGenerator<LeadRow> {
      const projection = { _id: 0, leadId: 1, segment: 1, modelVersion: 1, 'attributes.leadSource': 1, 'attributes.industry': 1, stage: 1, scores: 1, total: 1, grade: 1, 'stageHistory.stage': 1, 'stageHistory.at': 1 };
      const cursor = Lead.find(segment === undefined ? {} : { segment }, projection).lean().cursor({ batchSize: 2000 });
      for await (const doc of cursor) {
        const { attributes, ...row } = doc as unknown as Omit<LeadRow, 'source' | 'industry'> & { attributes?: { leadSource?: unknown; industry?: unknown } };
        yield { ...row, ...(typeof attributes?.leadSource === 'string' && { source: attributes.leadSource }), ...(typeof attributes?.industry === 'string' && { industry: attributes.industry }) };
      }
    },

    async *scanHandoffRows(): AsyncGenerator<HandoffRow> {
      const cursor = HandoffModel.find({}, { _id: 0, leadId: 1, status: 1, score: 1, decidedAt: 1 }).lean().cursor({ batchSize: 5000 });
      for await (const doc of cursor) yield doc as unknown as HandoffRow;
    },

    /**
     * The leads first seen (first stage change) in [from, to), with what calibration from
     * LeadFlow's own history reads of them (engine/calibration/leadflow-history.ts). Filtered here
     * rather than in the query: FerretDB indexes no array element.
     */
    async historyLeads(from: string, to: string): Promise<HistoryLead[]> {
      const rejected = new Set((await HandoffModel.find({ status: 'rejected' }, { _id: 0, leadId: 1 }).lean<Array<{ leadId: string }>>()).map((row) => row.leadId));
      const out: HistoryLead[] = [];
      const cursor = Lead.find({}, { _id: 0, leadId: 1, attributes: 1, stageHistory: 1 }).lean().cursor({ batchSize: 2000 });
      for await (const doc of cursor) {
        const lead = doc as unknown as Pick<LeadSnapshot, 'leadId' | 'attributes' | 'stageHistory'>;
        const created = lead.stageHistory[0]?.at;
        if (created === undefined || Date.parse(created) < Date.parse(from) || Date.parse(created) >= Date.parse(to)) continue;
        out.push({ ...lead, attributes: lead.attributes ?? {}, rejected: rejected.has(lead.leadId) });
      }
      return out;
    },

    /** A sales queue's handoffs in one status, oldest first; with `assignee`, theirs and nobody's. */
    async queue(queue: string, status: Handoff['status'], limit: number, assignee?: string): Promise<Handoff[]> {
      const filter: mongoose.QueryFilter<Keyed<Handoff>> = { queue, status };
      if (assignee !== undefined) filter.$or = [{ owner: assignee }, { owner: { $exists: false } }];
      return HandoffModel.find(filter, { _id: 0 }).sort({ createdAt: 1 }).limit(limit).lean<Handoff[]>();
    },
  };
  return repository;
}

export type LeadRepository = ReturnType<typeof createLeadRepository>;

export type QueueLead = Pick<LeadSnapshot, 'leadId' | 'total' | 'stageHistory'> & { attributes?: Partial<Record<(typeof PERSON_ATTRIBUTES)[number], unknown>> };

/**
 * Writes a handoff; an answered handoff never moves back to pending, whatever order retries
 * arrive in, unless the write `replaces` the lead's past (a refold or a rescoring).
 */
async function writeHandoff(model: mongoose.Model<Keyed<Handoff>>, handoff: Handoff, replaces = false): Promise<void> {
  await upsertIgnoringRace(model, handoffFilter(handoff, replaces), { _id: handoff.handoffId, ...handoff });
}

/** The stored handoff a write may replace: a pending one is not written over one sales answered. */
function handoffFilter(handoff: Handoff, replaces: boolean): mongoose.QueryFilter<Keyed<Handoff>> {
  const filter: mongoose.QueryFilter<Keyed<Handoff>> = { _id: handoff.handoffId };
  // A rewrite numbers the lead's handoffs afresh: one it withdrew may be opened again.
  if (handoff.status === 'pending' && !replaces) filter.$or = [{ status: 'pending' }, { note: NO_LONGER_HANDED_OFF }];
  return filter;
}

/**
 * After a rewrite of a lead's past (a late input, a rescoring): handoffs it had opened beyond
 * those the rewrite opens (`<leadId>:<n>`, numbered in order) no longer happened, so they leave
 * the sales queue, withdrawn.
 */
async function withdrawHandoffsAfter(model: mongoose.Model<Keyed<Handoff>>, snapshot: LeadSnapshot, previousHandoffId: string | undefined): Promise<void> {
  const number = (id: string | undefined) => (id ? Number(id.split(':').pop()) : 0);
  const from = number(snapshot.handoff?.handoffId) + 1;
  const to = number(previousHandoffId);
  if (to < from) return;
  const ids = Array.from({ length: to - from + 1 }, (_, i) => `${snapshot.leadId}:${from + i}`);
  await model.updateMany({ _id: { $in: ids }, status: { $in: ['pending', 'accepted'] } }, { $set: { status: 'withdrawn', decidedAt: new Date().toISOString(), note: NO_LONGER_HANDED_OFF } });
}

const NO_LONGER_HANDED_OFF = 'no longer handed off after the lead was scored again';

/** Writes snapshots in one command, each over a stored one that `supersedes` matches (or where the lead has none). */
async function upsertSnapshots(Lead: mongoose.Model<StoredLead>, writes: ReadonlyArray<{ snapshot: LeadSnapshot }>, supersedes: (snapshot: LeadSnapshot) => mongoose.QueryFilter<StoredLead>): Promise<void> {
  await upsertInBulk(
    Lead,
    writes.map(({ snapshot }) => ({ filter: { _id: snapshot.leadId, ...supersedes(snapshot) }, doc: { _id: snapshot.leadId, ...snapshot } })),
  );
}

/**
 * Upserts in one command, each as `upsertIgnoringRace` does alone. A document whose stored
 * version is newer refuses its write on its key; FerretDB v1 may stop the command there, so the
 * others are then written one by one.
 */
async function upsertInBulk<T>(model: mongoose.Model<T>, upserts: ReadonlyArray<{ filter: mongoose.QueryFilter<T>; doc: T }>): Promise<void> {
  if (upserts.length === 0) return;
  try {
    await model.bulkWrite(
      upserts.map(({ filter, doc }) => ({ replaceOne: { filter, replacement: doc, upsert: true } })) as Parameters<typeof model.bulkWrite>[0],
      { ordered: false },
    );
  } catch (err) {
    if (!onlyDuplicates(err)) throw err;
    for (const { filter, doc } of upserts) await upsertIgnoringRace(model, filter, doc);
  }
}

/**
 * Replaces the document matching `filter`, inserting it if none matches. When the filter misses
 * because a newer version exists, the insert hits the unique key: that write is stale, so skip it.
 */
async function upsertIgnoringRace<T>(model: mongoose.Model<T>, filter: mongoose.QueryFilter<T>, doc: T): Promise<void> {
  try {
    await model.replaceOne(filter, doc, { upsert: true });
  } catch (err) {
    if ((err as { code?: number }).code !== DUPLICATE_KEY) throw err;
  }
}
