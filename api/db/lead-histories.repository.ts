/**
 * Each lead's input log, packed: every input its workflow applied (events, sales answers, owners
 * of round-robin handoffs), what a rescoring and a simulation of a real lead replay. The events
 * collection keeps one document per event (for deduplication and the API); reading 50 of those
 * per lead costs FerretDB about 6 ms, while one packed document of the same 50 costs about 0.4 ms
 * (measured on this machine; docs/performance.md "Rescoring with the lifecycle core"). So the lead's workflow appends the inputs it
 * applies here, in the order it applied them, with its read-side write.
 *
 * A lead's log is split into segments of SEGMENT_INPUTS inputs: document `<leadId>#<k>` holds
 * inputs k·SEGMENT_INPUTS onwards, each a JSON string (strings are what FerretDB decodes fastest),
 * and their `count`. A live turn appends with one `$push` guarded by the count, without a read
 * (a segment of an earlier release, all lines in one string, is rewritten as a list on its next
 * append). A log is complete when its segments hold exactly as many inputs as
 * the lead's read side counts (`inputCount`); one whose append was lost is incomplete, and the
 * lead's own workflow then replays it instead.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import type { LeadInput } from '../../engine/lifecycle/lifecycle';
import { appendInBulk, onlyDuplicates } from './commands';
import { modelFor } from './connect';

export const SEGMENT_INPUTS = 500;
/** Segment ids per `$in` read. */
const IDS_PER_QUERY = 1_000;

interface HistorySegment {
  _id: string;
  leadId: string;
  count: number;
  /** One JSON string per input; one string of JSON lines in segments of earlier releases. */
  events: string[] | string;
}

const linesOf = (segment: HistorySegment): string[] => (typeof segment.events === 'string' ? segment.events.split('\n') : segment.events);

const segmentSchema = new Schema<HistorySegment>(
  {
    _id: { type: String, required: true },
    leadId: { type: String, required: true },
    count: { type: Number, required: true },
    events: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'lead_histories', versionKey: false },
);

const segmentId = (leadId: string, segment: number) => `${leadId}#${segment}`;

/** The live path's append: lines pushed onto a segment that holds exactly the `offset` inputs before them. */
const pushOnto = (_id: string, offset: number, lines: string[]) => ({
  filter: { _id, count: offset, events: { $type: 'array' as const } },
  update: { $push: { events: { $each: lines } }, $set: { count: offset + lines.length } },
});

export function createLeadHistoryRepository(connection: Connection = mongoose.connection) {
  const Segment = modelFor(connection, 'LeadHistory', segmentSchema);

  const repository = {
    model: Segment,

    /**
     * Appends the inputs a lead applied as its inputs number `from`, `from + 1`, ... Safe to
     * repeat (a retried activity): inputs already there are not added again. Inputs that would
     * leave a gap (the history misses earlier ones) are not added: the history stays incomplete.
     */
    async append(leadId: string, from: number, events: readonly LeadInput[]): Promise<void> {
      let at = from;
      let rest = events;
      while (rest.length > 0) {
        const segment = Math.floor(at / SEGMENT_INPUTS);
        const offset = at - segment * SEGMENT_INPUTS;
        const part = rest.slice(0, SEGMENT_INPUTS - offset);
        await appendToSegment(leadId, segment, offset, part);
        at += part.length;
        rest = rest.slice(part.length);
      }
    },

    /**
     * Many leads' appends at once (the live turns of many leads, written together: turn-writes.ts),
     * each with `append`'s guarantees. Inputs pushed onto a segment that holds exactly the inputs
     * before them, the live path, are one guarded statement in a bulk command shared with the
     * others; any other append, and every append of a command in which one did not land that way
     * (a repeat, a redone turn), is made by `append`, which is safe to repeat.
     */
    async appendMany(items: ReadonlyArray<{ leadId: string; from: number; inputs: readonly LeadInput[] }>): Promise<void> {
      await appendInBulk(
        items,
        ({ from, inputs }) => from % SEGMENT_INPUTS > 0 && inputs.length > 0 && (from % SEGMENT_INPUTS) + inputs.length <= SEGMENT_INPUTS,
        async (chunk) => (await Segment.bulkWrite(chunk.map(({ leadId, from, inputs }) => ({ updateOne: pushOnto(segmentId(leadId, Math.floor(from / SEGMENT_INPUTS)), from % SEGMENT_INPUTS, inputs.map((input) => JSON.stringify(input))) })), { ordered: false })).matchedCount,
        ({ leadId, from, inputs }) => repository.append(leadId, from, inputs),
      );
    },

    /**
     * Whole histories of leads that have none yet (a first life started in bulk, a seeding), in one
     * insert for many leads. Safe to repeat: a segment already stored is kept.
     */
    async insertHistories(histories: ReadonlyArray<{ leadId: string; events: readonly LeadInput[] }>): Promise<void> {
      const segments = histories.flatMap(({ leadId, events }) =>
        Array.from({ length: Math.ceil(events.length / SEGMENT_INPUTS) }, (_, k) => {
          const part = events.slice(k * SEGMENT_INPUTS, (k + 1) * SEGMENT_INPUTS);
          return { _id: segmentId(leadId, k), leadId, count: part.length, events: part.map((event) => JSON.stringify(event)) };
        }),
      );
      if (segments.length === 0) return;
      try {
        await Segment.insertMany(segments, { ordered: false, lean: true });
      } catch (err) {
        // A repeated insert (an import resumed): what is there is the same log; the rest one by one.
        if (!onlyDuplicates(err)) throw err;
        for (const segment of segments) await Segment.create(segment).catch((one: unknown) => {
          if (!onlyDuplicates(one)) throw one;
        });
      }
    },

    /**
     * The complete input logs of these leads (each lead's `inputCount` says how many inputs it has
     * applied), in applied order; a lead whose history is incomplete is left out.
     */
    async completeHistories(leads: ReadonlyArray<{ leadId: string; inputCount: number }>): Promise<Map<string, LeadInput[]>> {
      const ids = leads.flatMap(({ leadId, inputCount }) => Array.from({ length: Math.ceil(inputCount / SEGMENT_INPUTS) }, (_, k) => segmentId(leadId, k)));
      const segments = new Map<string, HistorySegment>();
      for (let first = 0; first < ids.length; first += IDS_PER_QUERY) {
        const rows = await Segment.find({ _id: { $in: ids.slice(first, first + IDS_PER_QUERY) } }).lean<HistorySegment[]>();
        for (const row of rows) segments.set(row._id, row);
      }
      const histories = new Map<string, LeadInput[]>();
      for (const { leadId, inputCount } of leads) {
        const events: LeadInput[] = [];
        for (let k = 0; k * SEGMENT_INPUTS < inputCount; k++) {
          const segment = segments.get(segmentId(leadId, k));
          if (!segment) break;
          for (const line of linesOf(segment)) events.push(JSON.parse(line) as LeadInput);
        }
        if (events.length === inputCount) histories.set(leadId, events);
      }
      return histories;
    },
  };
  return repository;

  async function appendToSegment(leadId: string, segment: number, offset: number, events: readonly LeadInput[]): Promise<void> {
    const _id = segmentId(leadId, segment);
    const lines = events.map((event) => JSON.stringify(event));
    // One writer per lead (its workflow, one turn at a time). The usual case costs one write: a
    // new segment inserted, or lines pushed onto one that holds exactly the inputs before them.
    if (offset === 0) {
      try {
        await Segment.create({ _id, leadId, count: lines.length, events: lines });
        return;
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
    } else {
      const { filter, update } = pushOnto(_id, offset, lines);
      const pushed = await Segment.updateOne(filter, update);
      if (pushed.matchedCount === 1) return;
    }
    // Otherwise (a repeated append, an earlier release's segment): read, then a write guarded by
    // the count read; the guard makes a repeat a no-op.
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await Segment.findById(_id, { count: 1, events: 1 }).lean<HistorySegment>();
      const count = stored?.count ?? 0;
      if (!stored || count >= offset + lines.length || count < offset) return;
      // A repeat that overlaps: only the lines not stored yet.
      const updated = await Segment.updateOne({ _id, count }, { $set: { count: offset + lines.length, events: [...linesOf(stored), ...lines.slice(count - offset)] } });
      if (updated.matchedCount === 1) return;
    }
  }
}

export type LeadHistoryRepository = ReturnType<typeof createLeadHistoryRepository>;
