/**
 * Picks the owner of a handoff inside a route's team. Pure: round-robin takes the route's
 * running count from the caller; weighted picks by a stable hash of a seed (the handoff id), so
 * a retried handoff always lands with the same person.
 */
import type { CompiledRoute } from './types';

/** The owner id, or undefined when the route leaves handoffs in its queue for anyone. */
export function assignOwner(route: CompiledRoute, roundRobinCount: number, seed: string): string | undefined {
  if (route.owners.length === 0 || route.strategy === 'queue') return undefined;
  if (route.strategy === 'round_robin') return route.owners[roundRobinCount % route.owners.length]?.id;
  const total = route.owners.reduce((sum, owner) => sum + owner.weight, 0);
  let point = hash(seed) % total;
  for (const owner of route.owners) {
    if (point < owner.weight) return owner.id;
    point -= owner.weight;
  }
  return route.owners.at(-1)?.id;
}

/**
 * The owner that route `routeId` of a model gives `handoffId`, its round-robin position read by
 * `positionOf` (the route's running count: the shell's I/O, the same position for the same handoff
 * however often asked); undefined when the model has no such route or the route names nobody.
 * The one way a lead's workflow and a first life started in bulk give a handoff its owner.
 */
export async function ownerOnRoute(
  routes: readonly CompiledRoute[],
  routeId: string,
  handoffId: string,
  positionOf: (routeId: string, handoffId: string) => Promise<number>,
): Promise<string | undefined> {
  const route = routes.find((r) => r.id === routeId);
  if (!route) return undefined;
  return assignOwner(route, await positionOf(route.id, handoffId), handoffId);
}

/** FNV-1a: small, stable across runtimes, good enough to spread owners. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
