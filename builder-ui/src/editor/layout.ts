/**
 * Auto-layout that keeps the lanes of lanes.ts: every node's column comes from its kind (and, for
 * a condition, its flow and the conditions before it), so points never land among conditions.
 * dagre orders the nodes within their columns, keeping connected nodes level with each other;
 * a sweep down each column then removes overlaps.
 */
import dagre from '@dagrejs/dagre';
import type { RuleGraph } from '../../../rules/graph.schema';
import type { Position } from './graph-store';
import { assignLanes, LANES, type LaneId } from './lanes';

/** A node's size when React Flow has not measured it yet. */
export const DEFAULT_NODE_SIZE = { width: 230, height: 80 };
const GAP = { column: 50, node: 20 };

/** New positions (top-left corners, as React Flow places nodes) for every node of `graph`. */
export function layoutGraph(
  graph: Pick<RuleGraph, 'nodes' | 'edges'>,
  sizes: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): Array<{ id: string; position: Position }> {
  const sizeOf = (id: string) => sizes.get(id) ?? DEFAULT_NODE_SIZE;
  const places = assignLanes(graph);
  const xOf = columnPositions(graph.nodes.map((node) => ({ ...places.get(node.id)!, width: sizeOf(node.id).width })));
  const order = dagreOrder(graph, sizeOf);

  const byColumn = new Map<number, string[]>();
  for (const node of graph.nodes) {
    const { lane, column } = places.get(node.id)!;
    const x = xOf.get(columnKey(lane, column))!;
    byColumn.set(x, [...(byColumn.get(x) ?? []), node.id]);
  }
  const positions = new Map<string, Position>();
  for (const [x, ids] of byColumn) {
    let free = 0;
    for (const id of ids.sort((a, b) => order.get(a)! - order.get(b)!)) {
      const y = Math.max(Math.round(order.get(id)!), free);
      positions.set(id, { x, y });
      free = y + sizeOf(id).height + GAP.node;
    }
  }
  return graph.nodes.map((node) => ({ id: node.id, position: positions.get(node.id)! }));
}

const columnKey = (lane: LaneId, column: number) => `${lane}:${column}`;

/** The left edge of every occupied lane column; empty lanes take no room. */
function columnPositions(places: ReadonlyArray<{ lane: LaneId; column: number; width: number }>): Map<string, number> {
  const widths = new Map<string, number>();
  for (const { lane, column, width } of places) widths.set(columnKey(lane, column), Math.max(widths.get(columnKey(lane, column)) ?? 0, width));
  const xs = new Map<string, number>();
  let x = 0;
  for (const { id } of LANES) {
    for (let column = 0; widths.has(columnKey(id, column)); column++) {
      xs.set(columnKey(id, column), x);
      x += widths.get(columnKey(id, column))! + GAP.column;
    }
  }
  return xs;
}

/** Each node's top as dagre would place it, reading left to right: the order within a column. */
function dagreOrder(graph: Pick<RuleGraph, 'nodes' | 'edges'>, sizeOf: (id: string) => { width: number; height: number }): Map<string, number> {
  const known = new Set(graph.nodes.map((node) => node.id));
  const layout = new dagre.graphlib.Graph();
  layout.setGraph({ rankdir: 'LR', ranksep: GAP.column, nodesep: GAP.node, marginx: 0, marginy: 0 });
  layout.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) layout.setNode(node.id, { ...sizeOf(node.id) });
  for (const edge of graph.edges) if (known.has(edge.source) && known.has(edge.target)) layout.setEdge(edge.source, edge.target);
  dagre.layout(layout);
  return new Map(graph.nodes.map((node) => [node.id, layout.node(node.id).y - sizeOf(node.id).height / 2]));
}
