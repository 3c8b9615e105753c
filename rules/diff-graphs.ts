/**
 * What changed between two versions of a model, in the terms a quarterly review uses: nodes
 * added, removed and changed, points changed, thresholds changed.
 */
import type { GraphNode, RuleGraph } from './graph.schema';
import { describeConditions } from './operator-words';

export interface GraphDiff {
  added: string[];
  removed: string[];
  changed: string[];
  points: Array<{ nodeId: string; name: string; from: number; to: number }>;
  thresholds: Array<{ nodeId: string; name: string; segment?: string; from: number; to: number }>;
  /** Condition nodes whose conditions changed, before and after, in words. */
  conditions: Array<{ nodeId: string; name: string; from: string; to: string }>;
  edges: { added: string[]; removed: string[] };
}

/** The differences from `before` to `after`; node identity is the node id. */
export function diffGraphs(before: RuleGraph, after: RuleGraph): GraphDiff {
  const old = new Map(before.nodes.map((node) => [node.id, node]));
  const now = new Map(after.nodes.map((node) => [node.id, node]));
  const diff: GraphDiff = { added: [], removed: [], changed: [], points: [], thresholds: [], conditions: [], edges: { added: [], removed: [] } };
  for (const [id, node] of now) {
    const previous = old.get(id);
    if (!previous) diff.added.push(id);
    else if (canonical(previous) !== canonical(node)) {
      diff.changed.push(id);
      if (previous.kind === 'points' && node.kind === 'points' && previous.points !== node.points) {
        diff.points.push({ nodeId: id, name: nameOf(node), from: previous.points, to: node.points });
      }
      if (previous.kind === 'threshold' && node.kind === 'threshold' && previous.value !== node.value) {
        diff.thresholds.push({ nodeId: id, name: nameOf(node), ...(node.segment && { segment: node.segment }), from: previous.value, to: node.value });
      }
      if (previous.kind === 'condition' && node.kind === 'condition') {
        const [from, to] = [describeConditions(previous), describeConditions(node)];
        if (from !== to) diff.conditions.push({ nodeId: id, name: nameOf(node), from, to });
      }
    }
  }
  for (const id of old.keys()) if (!now.has(id)) diff.removed.push(id);
  const edgeKey = (e: RuleGraph['edges'][number]) => `${e.source}->${e.target}`;
  const oldEdges = new Set(before.edges.map(edgeKey));
  const newEdges = new Set(after.edges.map(edgeKey));
  diff.edges.added = [...newEdges].filter((e) => !oldEdges.has(e));
  diff.edges.removed = [...oldEdges].filter((e) => !newEdges.has(e));
  return diff;
}

const nameOf = (node: GraphNode) => node.label ?? node.id;

/** JSON with sorted keys and without layout, so that moving a node on the canvas is no change. */
function canonical(node: GraphNode): string {
  const { position: _position, ...rest } = node;
  return JSON.stringify(rest, (_key, value) =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value,
  );
}
