import { describe, expect, it } from 'vitest';
import { ownerOnRoute } from './assign-owner';
import type { CompiledRoute } from './types';

const route = (id: string, strategy: CompiledRoute['strategy'], owners: string[]): CompiledRoute => ({
  id,
  name: id,
  team: 'Inbound',
  queue: `${id}-queue`,
  owners: owners.map((owner) => ({ id: owner, weight: 1 })),
  strategy,
  slaHours: 24,
  maxEscalations: 1,
});

describe('ownerOnRoute', () => {
  const routes = [route('inbound', 'round_robin', ['ana', 'ben', 'cy']), route('pool', 'queue', ['dee'])];

  it('gives handoffs the owners of a round-robin route in turn, by the position the shell reads for each', async () => {
    const asked: string[] = [];
    const positionOf = async (routeId: string, handoffId: string) => {
      asked.push(`${routeId}/${handoffId}`);
      return Number(handoffId.split(':')[1]);
    };
    const owners = await Promise.all([0, 1, 2, 3, 4].map((n) => ownerOnRoute(routes, 'inbound', `lead-${n}:${n}`, positionOf)));
    expect(owners).toEqual(['ana', 'ben', 'cy', 'ana', 'ben']);
    expect(asked).toEqual(['inbound/lead-0:0', 'inbound/lead-1:1', 'inbound/lead-2:2', 'inbound/lead-3:3', 'inbound/lead-4:4']);
  });

  it('gives no owner for a route the model does not have, or one that leaves handoffs in its queue', async () => {
    const positionOf = async () => 0;
    expect(await ownerOnRoute(routes, 'gone', 'lead-1:1', positionOf)).toBeUndefined();
    expect(await ownerOnRoute(routes, 'pool', 'lead-1:1', positionOf)).toBeUndefined();
  });
});
