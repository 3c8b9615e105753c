/**
 * The lanes of lanes.ts drawn on the canvas behind the nodes: a band around each lane's nodes,
 * where they stand now (a node dragged elsewhere takes its lane's band with it), and the lane's
 * name on top, so a big model reads as triggers → conditions → points, thresholds → routes.
 */
import { ViewportPortal } from '@xyflow/react';
import { useMemo } from 'react';
import type { RuleGraph } from '../../../rules/graph.schema';
import { assignLanes, LANES } from './lanes';
import { DEFAULT_NODE_SIZE } from './layout';

/** Room above a lane's first node for its name; the default view keeps it in sight. */
export const LANE_HEADER = 34;
const PAD = 12;

export function LaneBands({ graph, measured }: { graph: Pick<RuleGraph, 'nodes' | 'edges'>; measured: ReadonlyMap<string, { width: number; height: number }> }) {
  const bands = useMemo(() => laneBands(graph, measured), [graph, measured]);
  return (
    <ViewportPortal>
      {bands.map((band) => (
        <div
          key={band.id}
          className={`lf-lane lf-lane-${band.id}`}
          data-testid={`lane-${band.id}`}
          aria-hidden="true"
          style={{ transform: `translate(${band.x}px, ${band.y}px)`, width: band.width, height: band.height }}
        >
          <span className="lf-lane-title">
            {band.title} <span className="lf-muted">({band.count})</span>
          </span>
        </div>
      ))}
    </ViewportPortal>
  );
}

function laneBands(graph: Pick<RuleGraph, 'nodes' | 'edges'>, measured: ReadonlyMap<string, { width: number; height: number }>) {
  const places = assignLanes(graph);
  return LANES.flatMap((lane) => {
    const boxes = graph.nodes
      .filter((node) => places.get(node.id)?.lane === lane.id)
      .map((node) => ({ ...(node.position ?? { x: 0, y: 0 }), ...(measured.get(node.id) ?? DEFAULT_NODE_SIZE) }));
    if (boxes.length === 0) return [];
    const left = Math.min(...boxes.map((b) => b.x)) - PAD;
    const top = Math.min(...boxes.map((b) => b.y)) - LANE_HEADER;
    const right = Math.max(...boxes.map((b) => b.x + b.width)) + PAD;
    const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + PAD;
    return [{ id: lane.id, title: lane.title, count: boxes.length, x: left, y: top, width: right - left, height: bottom - top }];
  });
}
