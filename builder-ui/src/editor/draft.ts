/**
 * Turns a saved draft into the graph the editor edits. Drafts are work in progress: the API now
 * stores only graphs of the schema's shape (issues allowed), but drafts saved by earlier releases
 * may not match it, so what parses is taken as is, and anything else keeps what it can, with each
 * node's missing fields filled from its kind's specification.
 */
import { ruleGraphSchema, type GraphEdge, type GraphNode, type NodeKind, type RuleGraph } from '../../../rules/graph.schema';
import { NODE_SPECS } from './nodes/registry';

export interface LoadedDraft {
  graph: RuleGraph;
  /** Nodes and connections of the draft that could not be shown (unknown kind, no id). */
  dropped: number;
  /** Some node has no position yet: lay the graph out before showing it. */
  needsLayout: boolean;
}

export function loadDraft(raw: unknown): LoadedDraft {
  const parsed = ruleGraphSchema.safeParse(raw);
  if (parsed.success) return { graph: parsed.data, dropped: 0, needsLayout: parsed.data.nodes.some((node) => !node.position) };

  const input = isRecord(raw) ? raw : {};
  const scores = Array.isArray(input.scores) ? (input.scores.filter(isRecord) as RuleGraph['scores']) : [];
  const segments = Array.isArray(input.segments) ? (input.segments.filter(isRecord) as RuleGraph['segments']) : [];
  const context = { scores, segments };
  const rawNodes = Array.isArray(input.nodes) ? input.nodes : [];
  const rawEdges = Array.isArray(input.edges) ? input.edges : [];

  const nodes = rawNodes.flatMap((node): GraphNode[] => {
    if (!isRecord(node) || typeof node.id !== 'string' || !(typeof node.kind === 'string' && node.kind in NODE_SPECS)) return [];
    const { label: _label, ...defaults } = NODE_SPECS[node.kind as NodeKind].create(context);
    return [{ ...defaults, ...node } as GraphNode];
  });
  const edges = rawEdges.filter(
    (edge): edge is GraphEdge => isRecord(edge) && typeof edge.id === 'string' && typeof edge.source === 'string' && typeof edge.target === 'string',
  );
  const recycle = isRecord(input.recycle) ? input.recycle : {};
  const graph: RuleGraph = {
    name: typeof input.name === 'string' ? input.name : 'Untitled model',
    ...(typeof input.description === 'string' && { description: input.description }),
    scores,
    segments,
    recycle: {
      resetScores: Array.isArray(recycle.resetScores) ? recycle.resetScores.filter((id): id is string => typeof id === 'string') : [],
      coolDownDays: typeof recycle.coolDownDays === 'number' ? recycle.coolDownDays : 0,
    },
    nodes,
    edges: edges.map(({ id, source, target }) => ({ id, source, target })),
  };
  return { graph, dropped: rawNodes.length - nodes.length + rawEdges.length - edges.length, needsLayout: nodes.some((node) => !node.position) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
