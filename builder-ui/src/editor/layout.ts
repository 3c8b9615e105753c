/**
 * Auto-layout with dagre: rules read left to right (trigger → conditions → points, threshold →
 * conditions → route); nodes without connections (decay) line up in a column after the rest.
 */
import dagre from '@dagrejs/dagre';
import type { RuleGraph } from '../../../rules/graph.schema';
import type { Position } from './graph-store';

/** A node's size when React Flow has not measured it yet. */
export const DEFAULT_NODE_SIZE = { width: 230, height: 80 };
const GAP = { rank: 90, node: 30 };

/** New positions (top-left corners, as React Flow places nodes) for every node of `graph`. */
export function layoutGraph(
  graph: Pick<RuleGraph, 'nodes' | 'edges'>,
  sizes: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): Array<{ id: string; position: Position }> {
  const sizeOf = (id: string) => sizes.get(id) ?? DEFAULT_NODE_SIZE;
  const connected = new Set(graph.edges.flatMap((edge) => [edge.source, edge.target]));
  const known = new Set(graph.nodes.map((node) => node.id));

  const layout = new dagre.graphlib.Graph();
  layout.setGraph({ rankdir: 'LR', ranksep: GAP.rank, nodesep: GAP.node, marginx: 0, marginy: 0 });
  layout.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) if (connected.has(node.id)) layout.setNode(node.id, { ...sizeOf(node.id) });
  for (const edge of graph.edges) if (known.has(edge.source) && known.has(edge.target)) layout.setEdge(edge.source, edge.target);
  dagre.layout(layout);

  const positions: Array<{ id: string; position: Position }> = [];
  let right = 0;
  for (const node of graph.nodes) {
    if (!connected.has(node.id)) continue;
    const placed = layout.node(node.id);
    const { width, height } = sizeOf(node.id);
    // dagre gives centres; React Flow positions are top-left corners.
    positions.push({ id: node.id, position: { x: Math.round(placed.x - width / 2), y: Math.round(placed.y - height / 2) } });
    right = Math.max(right, placed.x + width / 2);
  }
  const column = connected.size > 0 ? right + GAP.rank : 0;
  let y = 0;
  for (const node of graph.nodes) {
    if (connected.has(node.id)) continue;
    positions.push({ id: node.id, position: { x: Math.round(column), y } });
    y += sizeOf(node.id).height + GAP.node;
  }
  return positions;
}
