/**
 * Every accepted event, kept so that a lead can be rescored under a new model version.
 * Recording is idempotent by event id: a retried or duplicate event is stored once.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import type { LeadEvent } from '../../engine/types';
import { inCommands, onlyDuplicates } from './commands';
import { modelFor } from './connect';

interface StoredEvent extends Omit<LeadEvent, 'receivedAt'> {
  _id: string;
  receivedAt: Date;
}

// The event id is the `_id`: recording an event looks it up by the one key FerretDB indexes.
const eventSchema = new Schema<StoredEvent>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    leadId: { type: String, required: true },
    type: { type: String, required: true },
    properties: { type: Schema.Types.Mixed, default: {} },
    attributes: { type: Schema.Types.Mixed },
    occurredAt: { type: String, required: true },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'events', versionKey: false, minimize: false },
);
// A lead's events are read in the order they happened.
eventSchema.index({ leadId: 1, occurredAt: 1, eventId: 1 });

/** Ids per `$in` read: one indexed lookup each, in commands of a bounded size. */
const IDS_PER_QUERY = 1_000;
/** Events per insert command (measured on FerretDB: 50 µs an event in commands of 500, 85 in commands of 40). */
const INSERTS_PER_COMMAND = 500;

let lastMark = 0;
/** A receipt time no earlier call of this process used: it tells the events a bulk insert stored. */
function nextMark(): Date {
  lastMark = Math.max(Date.now(), lastMark + 1);
  return new Date(lastMark);
}

export function createEventRepository(connection: Connection = mongoose.connection) {
  const Event = modelFor(connection, 'Event', eventSchema);
  const holderOf = async (eventId: string): Promise<string | undefined> =>
    (await Event.findById(eventId, { _id: 0, leadId: 1 }).lean<{ leadId: string }>())?.leadId;

  return {
    model: Event,

    /**
     * Stores `event` unless its id is known; says which. `heldBy` names the lead that holds a
     * known id when that is not `event`'s lead: nothing was stored, and the event is not that
     * lead's to apply. One insert-if-absent on `_id` decides, so two leads racing for one id
     * cannot both win (no transaction needed).
     */
    async record(event: LeadEvent): Promise<{ duplicate: boolean; heldBy?: string }> {
      // A plain insert: the id is unique, so a known id is refused (an insert-if-absent would cost
      // FerretDB a read first, on every event, for the rare repeat).
      try {
        await Event.insertMany([{ ...event, _id: event.eventId, receivedAt: new Date() }], { lean: true });
        return { duplicate: false };
      } catch (err) {
        // Known already, or two deliveries of one event at the same moment: the other one stored it.
        if (!onlyDuplicates(err)) throw err;
      }
      // Known already: a retry of this lead's event, or another lead's id (a read only on this rare path).
      const holder = await holderOf(event.eventId);
      return holder !== undefined && holder !== event.leadId ? { duplicate: true, heldBy: holder } : { duplicate: true };
    },

    /**
     * Stores many events (ids distinct) unless their ids are known, in bulk: plain inserts of a
     * few hundred events per command (an insert-if-absent costs FerretDB a read per event: about
     * six times as much), and for a command that met known ids, those one by one as
     * insert-if-absent; then one read for the ids that were known. Says for each what `record` says.
     */
    async recordMany(events: readonly LeadEvent[]): Promise<Array<{ duplicate: boolean; heldBy?: string }>> {
      const stored = new Set<string>();
      // This call's mark: an event stored with it was stored by this call (read back after a partial insert).
      const receivedAt = nextMark();
      await inCommands(
        events,
        async (chunk) => {
          try {
            await Event.insertMany(
              chunk.map((event) => ({ ...event, _id: event.eventId, receivedAt })),
              { ordered: false, lean: true },
            );
            for (const event of chunk) stored.add(event.eventId);
            return;
          } catch (err) {
            if (!onlyDuplicates(err)) throw err;
          }
          // Some ids were known (FerretDB v1 may stop at the first): which of the chunk did this call store?
          const rows = await Event.find({ _id: { $in: chunk.map((event) => event.eventId) } }, { receivedAt: 1 }).lean<Array<{ _id: string; receivedAt: Date }>>();
          const present = new Map(rows.map((row) => [row._id, row.receivedAt.getTime()]));
          for (const [id, at] of present) if (at === receivedAt.getTime()) stored.add(id);
          const missing = chunk.filter((event) => !present.has(event.eventId));
          await inCommands(missing, async (part) => {
            const upserts = part.map((event) => ({ updateOne: { filter: { _id: event.eventId }, update: { $setOnInsert: { ...event, receivedAt } }, upsert: true } }));
            let upserted: Record<number, unknown>;
            try {
              upserted = (await Event.bulkWrite(upserts, { ordered: false })).upsertedIds;
            } catch (err) {
              // Another delivery stored some of them at the same moment: those are known, the rest stored.
              if (!onlyDuplicates(err)) throw err;
              upserted = (err as { result?: { upsertedIds?: Record<number, unknown> } }).result?.upsertedIds ?? {};
            }
            // By the ids inserted, not their positions: FerretDB numbers the positions among the inserts only.
            for (const id of Object.values(upserted)) stored.add(String(id));
          });
        },
        INSERTS_PER_COMMAND,
      );
      const known = events.filter((event) => !stored.has(event.eventId)).map((event) => event.eventId);
      const holders = new Map<string, string>();
      for (let first = 0; first < known.length; first += IDS_PER_QUERY) {
        const rows = await Event.find({ _id: { $in: known.slice(first, first + IDS_PER_QUERY) } }, { leadId: 1 }).lean<Array<{ _id: string; leadId: string }>>();
        for (const row of rows) holders.set(row._id, row.leadId);
      }
      return events.map((event) => {
        if (stored.has(event.eventId)) return { duplicate: false };
        const holder = holders.get(event.eventId);
        return holder !== undefined && holder !== event.leadId ? { duplicate: true, heldBy: holder } : { duplicate: true };
      });
    },

    /** The lead an event id is stored for, if it is stored. */
    holderOf,

    /**
     * A lead's events, oldest first (ties by id, so the order is stable). With `eventIds`, only
     * those: read by `_id`, through the index even on FerretDB, where a filter on the lead would
     * scan every stored event.
     */
    async forLead(leadId: string, eventIds?: readonly string[]): Promise<LeadEvent[]> {
      const projection = { _id: 0, receivedAt: 0 };
      let rows: LeadEvent[];
      if (eventIds) {
        rows = [];
        for (let first = 0; first < eventIds.length; first += IDS_PER_QUERY) {
          const ids = eventIds.slice(first, first + IDS_PER_QUERY);
          rows.push(...(await Event.find({ _id: { $in: ids }, leadId }, projection).lean<LeadEvent[]>()));
        }
        rows.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
      } else {
        rows = await Event.find({ leadId }, projection).sort({ occurredAt: 1, eventId: 1 }).lean<LeadEvent[]>();
      }
      return rows.map(({ eventId, leadId: lead, type, properties, attributes, occurredAt }) => ({
        eventId,
        leadId: lead,
        type,
        properties: properties ?? {},
        ...(attributes && { attributes }),
        occurredAt,
      }));
    },

    /**
     * The events of every lead whose id lies in [first, last], grouped by lead, each lead's oldest
     * first: one range query on the (leadId, occurredAt, eventId) index for a whole batch of leads.
     */
    async forLeadRange(first: string, last: string): Promise<Map<string, LeadEvent[]>> {
      const cursor = Event.find({ leadId: { $gte: first, $lte: last } }, { _id: 0, receivedAt: 0 })
        .sort({ leadId: 1, occurredAt: 1, eventId: 1 })
        .lean<LeadEvent[]>()
        .cursor({ batchSize: 5_000 });
      const byLead = new Map<string, LeadEvent[]>();
      for await (const row of cursor) {
        const { eventId, leadId, type, properties, attributes, occurredAt } = row as unknown as LeadEvent;
        const event: LeadEvent = { eventId, leadId, type, properties: properties ?? {}, ...(attributes && { attributes }), occurredAt };
        const events = byLead.get(leadId);
        if (events) events.push(event);
        else byLead.set(leadId, [event]);
      }
      return byLead;
    },
  };
}

export type EventRepository = ReturnType<typeof createEventRepository>;
