/**
 * Maps the domain rule graph (rules/graph.schema.ts) to React Flow's nodes and edges, at the edge
 * of the UI: the graph store never holds React Flow objects. A node object is reused while
 * nothing it shows has changed, so React Flow re-renders only what did.
 */
import { MarkerType, type Edge, type Node } from '@xyflow/react';
import type { GraphDiff } from '../../../rules/diff-graphs';
import type { GraphNode, RuleGraph } from '../../../rules/graph.schema';
import type { GraphIssue } from '../../../rules/validate-graph';
import { NODE_SPECS, summarize } from './nodes/registry';
import { issueText } from './issue-text';

/** How a version diff marks a node or connection on the canvas. */
export type DiffMark = 'added' | 'changed';

export interface FlowNodeData extends Record<string, unknown> {
  node: GraphNode;
  summary: string;
  issues: readonly GraphIssue[];
  mark?: DiffMark;
}
export type FlowNode = Node<FlowNodeData, 'rule'>;

export interface FlowView {
  selection?: { nodes: readonly string[]; edges: readonly string[] };
  /** Issues by node or edge id. */
  issues?: ReadonlyMap<string, readonly GraphIssue[]>;
  marks?: ReadonlyMap<string, DiffMark>;
  /** Sizes React Flow measured, so that a changed node is not hidden until measured again. */
  measured?: ReadonlyMap<string, { width: number; height: number }>;
  /** The one node Tab stops at (arrow keys move on from it); no other node is a tab stop. */
  tabStop?: string;
}

const NO_ISSUES: readonly GraphIssue[] = [];

/** React Flow nodes for `graph`; `cache` (id → last node object) lets unchanged nodes keep their object. */
export function toFlowNodes(graph: Pick<RuleGraph, 'nodes'>, view: FlowView = {}, cache?: Map<string, FlowNode>): FlowNode[] {
  const selected = new Set(view.selection?.nodes ?? []);
  const nodes = graph.nodes.map((node, index) => {
    const issues = view.issues?.get(node.id) ?? NO_ISSUES;
    const mark = view.marks?.get(node.id);
    const measured = view.measured?.get(node.id);
    const isSelected = selected.has(node.id);
    const focusable = view.tabStop === undefined || view.tabStop === node.id;
    const previous = cache?.get(node.id);
    if (
      previous &&
      previous.data.node === node &&
      previous.selected === isSelected &&
      previous.focusable === focusable &&
      previous.data.mark === mark &&
      sameIssues(previous.data.issues, issues) &&
      previous.measured?.width === measured?.width &&
      previous.measured?.height === measured?.height
    ) {
      return previous;
    }
    const summary = summarize(node);
    const errors = issues.filter((issue) => issue.severity === 'error').length;
    const warnings = issues.length - errors;
    const flowNode: FlowNode = {
      id: node.id,
      type: 'rule',
      position: node.position ?? { x: 0, y: index * 100 },
      data: { node, summary, issues, ...(mark && { mark }) },
      selected: isSelected,
      focusable,
      ariaLabel: `${NODE_SPECS[node.kind].title} node: ${summary}${errors ? `, ${plural(errors, 'error')}` : ''}${warnings ? `, ${plural(warnings, 'warning')}` : ''}${mark ? `, ${mark} in this version` : ''}`,
      ...(measured && { measured }),
    };
    return flowNode;
  });
  if (cache) {
    cache.clear();
    for (const node of nodes) cache.set(node.id, node);
  }
  return nodes;
}

export function toFlowEdges(graph: Pick<RuleGraph, 'nodes' | 'edges'>, view: FlowView = {}): Edge[] {
  const selected = new Set(view.selection?.edges ?? []);
  const names = new Map(graph.nodes.map((node) => [node.id, node.label ?? node.id]));
  return graph.edges.map((edge) => {
    const issues = view.issues?.get(edge.id) ?? NO_ISSUES;
    const mark = view.marks?.get(`${edge.source}->${edge.target}`);
    const invalid = issues.some((issue) => issue.severity === 'error');
    return {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      selected: selected.has(edge.id),
      markerEnd: { type: MarkerType.ArrowClosed },
      className: ['lf-edge', invalid && 'lf-edge-error', mark && `lf-diff-${mark}`].filter(Boolean).join(' '),
      ariaLabel: `Connection from ${names.get(edge.source) ?? edge.source} to ${names.get(edge.target) ?? edge.target}${invalid && issues[0] ? `: ${issueText(issues[0])}` : ''}`,
      ...(invalid && { label: '!' }),
    };
  });
}

/** Issues keyed by the node or edge they name. */
export function issuesByElement(issues: readonly GraphIssue[]): Map<string, GraphIssue[]> {
  const byId = new Map<string, GraphIssue[]>();
  for (const issue of issues) {
    const id = issue.nodeId ?? issue.edgeId;
    if (id !== undefined) byId.set(id, [...(byId.get(id) ?? []), issue]);
  }
  return byId;
}

/** Marks for a version diff: nodes added and changed, connections added (as `source->target`). */
export function diffMarks(diff: Pick<GraphDiff, 'added' | 'changed' | 'edges'>): Map<string, DiffMark> {
  const marks = new Map<string, DiffMark>();
  for (const id of diff.added) marks.set(id, 'added');
  for (const id of diff.changed) marks.set(id, 'changed');
  for (const key of diff.edges.added) marks.set(key, 'added');
  return marks;
}

export { issueText };

/** Node colours by kind, shared by the canvas and the minimap. */
export const kindColour = (node: Node) => NODE_SPECS[(node.data as FlowNodeData).node.kind].colour;

function sameIssues(a: readonly GraphIssue[], b: readonly GraphIssue[]): boolean {
  return a === b || (a.length === b.length && a.every((issue, i) => issue.message === b[i]?.message && issue.severity === b[i]?.severity));
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
