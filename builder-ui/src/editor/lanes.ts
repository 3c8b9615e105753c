/**
 * Lanes by node kind, left to right as rules read: triggers → conditions → points, then
 * thresholds and grades → qualifying conditions → routes, and decay on its own. A condition takes
 * the lane of the flow it belongs to (scoring when a trigger leads to it or it leads to points,
 * qualifying when a threshold or grade leads to it or it leads to a route), and a column within
 * its lane for each condition before it. Auto-layout places nodes by lane; the canvas draws them.
 */
import type { GraphEdge, GraphNode, NodeKind } from '../../../rules/graph.schema';

export type LaneId = 'triggers' | 'conditions' | 'points' | 'thresholds' | 'qualifying' | 'routes' | 'decay';

export const LANES: ReadonlyArray<{ id: LaneId; title: string }> = [
  { id: 'triggers', title: 'Triggers' },
  { id: 'conditions', title: 'Conditions' },
  { id: 'points', title: 'Points' },
  { id: 'thresholds', title: 'Thresholds and grades' },
  { id: 'qualifying', title: 'Qualifying conditions' },
  { id: 'routes', title: 'Routes' },
  { id: 'decay', title: 'Decay' },
];

const LANE_OF_KIND: Readonly<Record<Exclude<NodeKind, 'condition'>, LaneId>> = {
  trigger: 'triggers',
  points: 'points',
  threshold: 'thresholds',
  grade: 'thresholds',
  route: 'routes',
  decay: 'decay',
};

export interface LanePlace {
  lane: LaneId;
  /** The column within the lane: how many conditions come before this one on its longest path. */
  column: number;
}

/** Each node's lane and column within it. */
export function assignLanes(graph: { nodes: readonly Pick<GraphNode, 'id' | 'kind'>[]; edges: readonly Pick<GraphEdge, 'source' | 'target'>[] }): Map<string, LanePlace> {
  const kinds = new Map(graph.nodes.map((node) => [node.id, node.kind]));
  const before = new Map<string, string[]>();
  const after = new Map<string, string[]>();
  for (const { source, target } of graph.edges) {
    if (!kinds.has(source) || !kinds.has(target)) continue;
    before.set(target, [...(before.get(target) ?? []), source]);
    after.set(source, [...(after.get(source) ?? []), target]);
  }

  const flows = new Map<string, LaneId>();
  const flowOf = (id: string): LaneId => {
    const known = flows.get(id);
    if (known) return known;
    // Provisional answer guards against a loop (the validator reports loops; layout must still end).
    flows.set(id, 'conditions');
    const lane = conditionFlow(id, kinds, before, after, flowOf);
    flows.set(id, lane);
    return lane;
  };

  const columns = new Map<string, number>();
  const columnOf = (id: string, seen: Set<string>): number => {
    const known = columns.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const previous = (before.get(id) ?? []).filter((other) => kinds.get(other) === 'condition');
    const column = previous.length === 0 ? 0 : 1 + Math.max(...previous.map((other) => columnOf(other, seen)));
    columns.set(id, column);
    return column;
  };

  const places = new Map<string, LanePlace>();
  for (const node of graph.nodes) {
    places.set(node.id, node.kind === 'condition' ? { lane: flowOf(node.id), column: columnOf(node.id, new Set()) } : { lane: LANE_OF_KIND[node.kind], column: 0 });
  }
  return places;
}

function conditionFlow(
  id: string,
  kinds: ReadonlyMap<string, NodeKind>,
  before: ReadonlyMap<string, string[]>,
  after: ReadonlyMap<string, string[]>,
  flowOf: (id: string) => LaneId,
): LaneId {
  const neighbours = [...(before.get(id) ?? []), ...(after.get(id) ?? [])];
  const direct = neighbours.map((other) => kinds.get(other));
  if (direct.some((kind) => kind === 'threshold' || kind === 'grade' || kind === 'route')) return 'qualifying';
  if (direct.some((kind) => kind === 'trigger' || kind === 'points')) return 'conditions';
  for (const other of neighbours) if (kinds.get(other) === 'condition' && flowOf(other) === 'qualifying') return 'qualifying';
  return 'conditions';
}
