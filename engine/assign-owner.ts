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

/** FNV-1a: small, stable across runtimes, good enough to spread owners. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
