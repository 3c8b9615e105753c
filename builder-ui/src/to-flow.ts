/**
 * Maps the domain rule graph (rules/graph.schema.ts) to React Flow's nodes and edges. The domain
 * graph stays the source of truth; React Flow objects exist only at the edge of the UI.
 */
import { Position, type Edge, type Node } from '@xyflow/react';
import type { GraphNode, RuleGraph } from '../../rules/graph.schema';

export interface FlowNodeData extends Record<string, unknown> {
  label: string;
  kind: GraphNode['kind'];
}

export function toFlow(graph: RuleGraph): { nodes: Node<FlowNodeData>[]; edges: Edge[] } {
  const nodes = graph.nodes.map((node, index) => ({
    id: node.id,
    position: node.position ?? { x: 0, y: index * 100 },
    data: { label: describe(node), kind: node.kind },
    className: `lf-node lf-node-${node.kind}`,
    // Rules read left to right: trigger → conditions → points.
    sourcePosition: Position.Right,
    targetPosition: Position.Left,
    type: node.kind === 'trigger' ? 'input' : node.kind === 'points' || node.kind === 'route' ? 'output' : 'default',
  }));
  const edges = graph.edges.map((edge) => ({ id: edge.id, source: edge.source, target: edge.target }));
  return { nodes, edges };
}

/** Node colours by kind, shared by the canvas styles and the minimap. */
export const KIND_COLOURS: Record<GraphNode['kind'], string> = {
  trigger: '#3b6fd8',
  condition: '#c99a06',
  points: '#2f9e55',
  threshold: '#c2185b',
  grade: '#0f8b8d',
  decay: '#7a869a',
  route: '#6a3fc2',
};

/** One line a marketer reads on the canvas: the node's name and what it does. */
export function describe(node: GraphNode): string {
  const name = node.label ?? node.id;
  switch (node.kind) {
    case 'trigger':
      return `${name} · on ${[...node.eventTypes, ...node.attributes.map((a) => `${a.replace(/^lead\./, '')} change`)].join(', ')}`;
    case 'condition':
      return `${name} · ${{ all: 'all of', any: 'any of', none: 'none of' }[node.match]} ${node.conditions.length} condition${node.conditions.length === 1 ? '' : 's'}`;
    case 'points':
      return `${name} · ${node.points >= 0 ? '+' : ''}${node.points} ${node.score}`;
    case 'decay':
      return `${name} · ${node.score}, ${node.channel} channel`;
    case 'threshold': {
      const score = typeof node.score === 'string' ? node.score : node.score.join(' + ');
      return `${name} · ${score} ≥ ${node.value} → ${node.stage.toUpperCase()}${node.segment ? ` (${node.segment})` : ''}`;
    }
    case 'grade':
      return `${name} · sales-ready ${node.salesReady.join(', ')}`;
    case 'route':
      return `${name} · queue ${node.queue}`;
  }
}
