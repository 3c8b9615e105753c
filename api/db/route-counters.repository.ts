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

  return {
    models: [Counter, Assignment],

    async roundRobinPosition(routeId: string, handoffId: string): Promise<number> {
      const known = await Assignment.findById(handoffId).lean<RouteAssignment>();
      if (known) return known.position;
      const counter = await Counter.findOneAndUpdate({ routeId }, { $inc: { next: 1 } }, { upsert: true, returnDocument: 'after' }).lean<RouteCounter>();
      const position = (counter?.next ?? 1) - 1;
      try {
        await Assignment.create({ _id: handoffId, handoffId, routeId, position });
        return position;
      } catch (err) {
        // A concurrent retry recorded it first: use theirs.
        if ((err as { code?: number }).code !== 11000) throw err;
        return ((await Assignment.findById(handoffId).lean<RouteAssignment>()) as RouteAssignment).position;
      }
    },
  };
}

export type RouteCounterRepository = ReturnType<typeof createRouteCounterRepository>;
