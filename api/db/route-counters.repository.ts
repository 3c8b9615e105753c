/**
 * Round-robin positions per route, shared by every worker. Each handoff's position is recorded,
 * so a retried routing activity gets the same owner instead of skipping one.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import { modelFor } from './connect';

interface RouteCounter {
  routeId: string;
  next: number;
}

interface RouteAssignment {
  /** The handoff's id: looked up by the key every MongoDB-protocol server indexes (natural-keys.ts). */
  _id: string;
  handoffId: string;
  routeId: string;
  position: number;
}

const counterSchema = new Schema<RouteCounter>(
  { routeId: { type: String, required: true, unique: true }, next: { type: Number, required: true } },
  { collection: 'route_counters', versionKey: false },
);
const assignmentSchema = new Schema<RouteAssignment>(
  {
    _id: { type: String, required: true },
    handoffId: { type: String, required: true },
    routeId: { type: String, required: true },
    position: { type: Number, required: true },
  },
  { collection: 'route_assignments', versionKey: false },
);

export function createRouteCounterRepository(connection: Connection = mongoose.connection) {
  const Counter = modelFor(connection, 'RouteCounter', counterSchema);
  const Assignment = modelFor(connection, 'RouteAssignment', assignmentSchema);

  /** Positions for handoffs asked for together: three commands in all instead of three each. */
  async function positions(asked: ReadonlyArray<{ routeId: string; handoffId: string }>): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const ids = [...new Set(asked.map(({ handoffId }) => handoffId))];
    for (const known of await Assignment.find({ _id: { $in: ids } }).lean<RouteAssignment[]>()) found.set(known._id, known.position);
    // Each route's counter moves once, by as many as it has new handoffs, taken in the order asked.
    const fresh = new Map<string, string[]>();
    const taken = new Set(found.keys());
    for (const { routeId, handoffId } of asked) {
      if (taken.has(handoffId)) continue;
      taken.add(handoffId);
      const handoffs = fresh.get(routeId);
      if (handoffs) handoffs.push(handoffId);
      else fresh.set(routeId, [handoffId]);
    }
    const assigned: RouteAssignment[] = [];
    for (const [routeId, handoffs] of fresh) {
      const counter = await Counter.findOneAndUpdate({ routeId }, { $inc: { next: handoffs.length } }, { upsert: true, returnDocument: 'after' }).lean<RouteCounter>();
      const first = (counter?.next ?? handoffs.length) - handoffs.length;
      handoffs.forEach((handoffId, k) => assigned.push({ _id: handoffId, handoffId, routeId, position: first + k }));
    }
    if (assigned.length === 0) return found;
    try {
      await Assignment.insertMany(assigned, { ordered: false });
      for (const { handoffId, position } of assigned) found.set(handoffId, position);
    } catch {
      // A concurrent retry recorded some first (FerretDB may stop at the first refusal): one by one, theirs where taken.
      for (const assignment of assigned) found.set(assignment.handoffId, await recordOne(assignment));
    }
    return found;
  }

  async function recordOne(assignment: RouteAssignment): Promise<number> {
    try {
      await Assignment.create(assignment);
      return assignment.position;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      return ((await Assignment.findById(assignment._id).lean<RouteAssignment>()) as RouteAssignment).position;
    }
  }

  // Asks made in the same turn of the event loop (the new leads of a batch, turns that finish
  // together) are answered together.
  let gathering: Array<{ routeId: string; handoffId: string; resolve: (position: number) => void; reject: (err: unknown) => void }> | undefined;
  const answer = async () => {
    const asked = gathering ?? [];
    gathering = undefined;
    try {
      const found = await positions(asked);
      for (const ask of asked) ask.resolve(found.get(ask.handoffId) as number);
    } catch (err) {
      for (const ask of asked) ask.reject(err);
    }
  };

  return {
    models: [Counter, Assignment],

    /**
     * The handoff's position on its route: the one recorded for it, or the route's next. A retry
     * gets the same position; two handoffs never share one.
     */
    roundRobinPosition(routeId: string, handoffId: string): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        if (!gathering) {
          gathering = [];
          setImmediate(() => void answer());
        }
        gathering.push({ routeId, handoffId, resolve, reject });
      });
    },
  };
}

export type RouteCounterRepository = ReturnType<typeof createRouteCounterRepository>;
