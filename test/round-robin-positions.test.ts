/**
 * Round-robin positions on the real MongoDB-protocol server: every handoff of a route gets a
 * position of its own, a retry gets the same one, and positions asked for together (the new leads
 * of a batch, turns that finish together) cost a few commands in all, not three each.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRouteCounterRepository } from '../api/db/route-counters.repository';

const run = Date.now().toString(36);

describe('round-robin positions', () => {
  const url = new URL(inject('mongoUri'));
  url.pathname = `/leadflow_positions_${run}`;
  const connections: mongoose.Connection[] = [];
  /** A connection of its own, as each API or worker process has, counting the commands it sends. */
  const open = async () => {
    const connection = await mongoose.createConnection(url.toString(), { monitorCommands: true }).asPromise();
    connections.push(connection);
    const commands: string[] = [];
    // Reads and writes only (mongoose also creates the collections and their indexes once).
    connection.getClient().on('commandStarted', (event) => {
      if (['find', 'findAndModify', 'insert', 'update', 'delete'].includes(event.commandName)) commands.push(event.commandName);
    });
    return { counters: createRouteCounterRepository(connection), commands };
  };

  beforeAll(async () => {
    await open();
  });
  afterAll(async () => {
    await connections[0]?.dropDatabase().catch(() => undefined);
    await Promise.all(connections.map((connection) => connection.close()));
  });

  it('gives handoffs asked for together positions of their own, in the order asked, with a few commands in all', async () => {
    const { counters, commands } = await open();
    const west = Array.from({ length: 30 }, (_, i) => `lead-w${i}:1`);
    const east = Array.from({ length: 10 }, (_, i) => `lead-e${i}:1`);
    commands.length = 0;
    const [westPositions, eastPositions] = await Promise.all([Promise.all(west.map((handoffId) => counters.roundRobinPosition('west', handoffId))), Promise.all(east.map((handoffId) => counters.roundRobinPosition('east', handoffId)))]);
    expect(westPositions).toEqual(west.map((_, i) => i));
    expect(eastPositions).toEqual(east.map((_, i) => i));
    // One read of the recorded positions, one counter move per route, one insert: not 3 × 40.
    expect(commands).toEqual(['find', 'findAndModify', 'findAndModify', 'insert']);

    // Asked again (a retried activity, an import resumed): the same positions, and the counter stays.
    expect(await Promise.all(west.slice(0, 5).map((handoffId) => counters.roundRobinPosition('west', handoffId)))).toEqual([0, 1, 2, 3, 4]);
    // A new handoff, alone or beside known ones, takes the next position.
    expect(await Promise.all([counters.roundRobinPosition('west', west[7] as string), counters.roundRobinPosition('west', 'lead-w30:1')])).toEqual([7, 30]);
    expect(await counters.roundRobinPosition('west', 'lead-w31:1')).toBe(31);
  });

  it('agrees on one position per handoff when two processes ask for the same handoffs at once', async () => {
    const [first, second] = [await open(), await open()];
    const handoffs = Array.from({ length: 20 }, (_, i) => `lead-r${i}:1`);
    const [a, b] = await Promise.all([
      Promise.all(handoffs.map((handoffId) => first.counters.roundRobinPosition('race', handoffId))),
      Promise.all(handoffs.map((handoffId) => second.counters.roundRobinPosition('race', handoffId))),
    ]);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(handoffs.length);
    const stored = await (connections[0] as mongoose.Connection).collection('route_assignments').find({ routeId: 'race' }).toArray();
    expect(stored.map((row) => row._id as unknown as string).sort()).toEqual([...handoffs].sort());
    expect(Object.fromEntries(stored.map((row) => [row._id, row.position]))).toEqual(Object.fromEntries(handoffs.map((handoffId, i) => [handoffId, a[i]])));
  });
});
