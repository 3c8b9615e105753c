/**
 * Which node kinds may be connected to which: the one definition shared by the validator (which
 * reports a wrong connection on its edge) and the editor (which refuses to draw one).
 *
 * Scoring: trigger → condition* → points. Qualification: threshold | grade → condition* → route.
 * Decay nodes stand alone.
 */
import type { GraphEdge, GraphNode, NodeKind } from './graph.schema';

export const ALLOWED_TARGETS: Readonly<Record<NodeKind, readonly NodeKind[]>> = {
  trigger: ['condition', 'points'],
  condition: ['condition', 'points', 'route'],
  points: [],
  decay: [],
  threshold: ['condition', 'route'],
  grade: ['condition', 'route'],
  route: [],
};

/** True when a `source` node may lead to a `target` node. */
export function canConnect(source: NodeKind, target: NodeKind): boolean {
  return ALLOWED_TARGETS[source].includes(target);
}

/** True when some kind may lead to `kind` (the node has an input). */
export function acceptsIncoming(kind: NodeKind): boolean {
  return Object.values(ALLOWED_TARGETS).some((targets) => targets.includes(kind));
}

/** True when `kind` may lead to some kind (the node has an output). */
export function leadsOnward(kind: NodeKind): boolean {
  return ALLOWED_TARGETS[kind].length > 0;
}

/**
 * Why a new connection from `sourceId` to `targetId` would be wrong in `graph`, or undefined when
 * it may be drawn: unknown nodes, a node to itself, kinds that may not follow each other, a
 * connection that exists already, or one that closes a loop (rules must flow one way).
 */
export function connectionProblem(
  graph: { nodes: readonly Pick<GraphNode, 'id' | 'kind'>[]; edges: readonly Pick<GraphEdge, 'source' | 'target'>[] },
  sourceId: string,
  targetId: string,
): string | undefined {
  const source = graph.nodes.find((node) => node.id === sourceId);
  const target = graph.nodes.find((node) => node.id === targetId);
  if (!source || !target) return 'Both ends of a connection must be nodes of this model.';
  if (source.id === target.id) return 'A node cannot lead to itself.';
  if (!canConnect(source.kind, target.kind)) return `A ${source.kind} node cannot lead to a ${target.kind} node.`;
  if (graph.edges.some((edge) => edge.source === sourceId && edge.target === targetId)) return 'These nodes are connected already.';
  if (reaches(graph.edges, targetId, sourceId)) return 'This connection would form a loop; rules must flow one way.';
  return undefined;
}

function reaches(edges: readonly Pick<GraphEdge, 'source' | 'target'>[], from: string, to: string): boolean {
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}
