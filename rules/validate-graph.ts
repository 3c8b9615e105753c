/**
 * Checks a rule graph and reports every problem as an issue that names its node or edge, in
 * words a marketer understands, so the editor can paint it. Never throws on any input.
 */
import { FACTS_BY_ID, OPERATORS, type FactType } from './facts-catalogue';
import { ruleGraphSchema, type GraphNode, type NodeKind, type RuleGraph } from './graph.schema';

export interface GraphIssue {
  severity: 'error' | 'warning';
  /** Machine-readable kind of problem, e.g. `unknown_fact`. */
  code: string;
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** Where in the submitted JSON, for shape errors. */
  path?: Array<string | number>;
}

export interface ValidationResult {
  /** The parsed graph when its shape is right (it may still have issues). */
  graph?: RuleGraph;
  issues: GraphIssue[];
  /** True when there is no error (warnings allowed): the graph can be compiled. */
  ok: boolean;
}

/** Which kinds may follow which: a scoring path runs trigger → condition* → points. */
const ALLOWED_TARGETS: Record<NodeKind, readonly NodeKind[]> = {
  trigger: ['condition', 'points'],
  condition: ['condition', 'points'],
  points: [],
  threshold: ['route'],
  route: [],
};

/** Validates `input` (any JSON) as a rule graph. */
export function validateGraph(input: unknown): ValidationResult {
  const parsed = ruleGraphSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => shapeIssue(input, issue.path as Array<string | number>, issue.message));
    return { issues, ok: false };
  }
  const graph = parsed.data;
  const issues = [...checkIds(graph), ...checkEdges(graph), ...checkNodes(graph)];
  if (!issues.some((issue) => issue.severity === 'error')) issues.push(...checkPaths(graph));
  return { graph, issues, ok: !issues.some((issue) => issue.severity === 'error') };
}

function shapeIssue(input: unknown, path: Array<string | number>, message: string): GraphIssue {
  const issue: GraphIssue = { severity: 'error', code: 'invalid_shape', message: `${path.join('.') || 'graph'}: ${message}`, path };
  const list = path[0] === 'nodes' ? 'nodeId' : path[0] === 'edges' ? 'edgeId' : undefined;
  if (list && typeof path[1] === 'number' && isRecord(input)) {
    const items = input[path[0] as string];
    const item = Array.isArray(items) ? items[path[1]] : undefined;
    if (isRecord(item) && typeof item.id === 'string') issue[list] = item.id;
  }
  return issue;
}

function checkIds(graph: RuleGraph): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const seen = new Set<string>();
  for (const node of graph.nodes) {
    if (seen.has(node.id)) issues.push(error('duplicate_id', `Two nodes share the id "${node.id}".`, { nodeId: node.id }));
    seen.add(node.id);
  }
  const edgeIds = new Set<string>();
  for (const edge of graph.edges) {
    if (edgeIds.has(edge.id)) issues.push(error('duplicate_id', `Two connections share the id "${edge.id}".`, { edgeId: edge.id }));
    edgeIds.add(edge.id);
  }
  return issues;
}

function checkEdges(graph: RuleGraph): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const edge of graph.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) {
      const missing = source ? edge.target : edge.source;
      issues.push(error('dangling_edge', `This connection points to a node that does not exist ("${missing}").`, { edgeId: edge.id }));
      continue;
    }
    if (!ALLOWED_TARGETS[source.kind].includes(target.kind)) {
      issues.push(
        error('invalid_connection', `A ${source.kind} node cannot lead to a ${target.kind} node.`, { edgeId: edge.id }),
      );
    }
  }
  return issues;
}

function checkNodes(graph: RuleGraph): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const scores = new Set(graph.scores.map((score) => score.id));
  const connected = new Set(graph.edges.flatMap((edge) => [edge.source, edge.target]));
  const routed = new Set(
    graph.edges.filter((edge) => graph.nodes.some((n) => n.id === edge.target && n.kind === 'route')).map((edge) => edge.source),
  );
  for (const node of graph.nodes) {
    if (!connected.has(node.id)) {
      issues.push(warning('disconnected', `"${nodeName(node)}" is not connected to anything and has no effect.`, node.id));
    }
    if (node.kind === 'condition') issues.push(...checkConditions(node));
    if (node.kind === 'points' && !scores.has(node.score)) {
      issues.push(error('unknown_score', `Points go to the score "${node.score}", which this model does not define.`, { nodeId: node.id }));
    }
    if (node.kind === 'threshold') {
      if (node.score !== 'total' && !scores.has(node.score)) {
        issues.push(error('unknown_score', `The threshold watches the score "${node.score}", which this model does not define.`, { nodeId: node.id }));
      }
      if (!routed.has(node.id)) {
        issues.push(error('no_route', 'Connect this threshold to a route, so that qualified leads reach a sales queue.', { nodeId: node.id }));
      }
    }
  }
  if (!graph.nodes.some((node) => node.kind === 'threshold')) {
    issues.push(warning('no_threshold', 'The model has no threshold: no lead will ever be handed to sales.'));
  }
  return issues;
}

function checkConditions(node: Extract<GraphNode, { kind: 'condition' }>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  node.conditions.forEach((condition, index) => {
    const where = `Condition ${index + 1}`;
    const fact = FACTS_BY_ID.get(condition.fact);
    if (!fact) {
      issues.push(error('unknown_fact', `${where} tests "${condition.fact}", which is not a known fact.`, { nodeId: node.id }));
      return;
    }
    const accepts: readonly FactType[] = OPERATORS[condition.operator];
    if (!accepts.includes(fact.type)) {
      issues.push(error('operator_mismatch', `${where}: "${condition.operator}" does not apply to ${fact.label} (a ${fact.type}).`, { nodeId: node.id }));
      return;
    }
    const isList = condition.operator === 'in' || condition.operator === 'notIn';
    const values = Array.isArray(condition.value) ? condition.value : [condition.value];
    if (isList !== Array.isArray(condition.value) || values.some((value) => typeof value !== fact.type)) {
      const expected = isList ? `a list of ${fact.type}s` : `a ${fact.type}`;
      issues.push(error('value_type', `${where}: ${fact.label} needs ${expected}.`, { nodeId: node.id }));
    }
  });
  return issues;
}

/** Cycles, and points that no trigger reaches. Runs only on a graph with sound edges. */
function checkPaths(graph: RuleGraph): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const next = adjacency(graph);
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'done') return false;
    if (state.get(id) === 'visiting') return true;
    state.set(id, 'visiting');
    const cyclic = (next.get(id) ?? []).some(visit);
    state.set(id, 'done');
    return cyclic;
  };
  for (const node of graph.nodes) {
    if (!state.has(node.id) && visit(node.id)) {
      issues.push(error('cycle', 'These connections form a loop; rules must flow one way from a trigger to points.', { nodeId: node.id }));
      return issues;
    }
  }
  const reached = new Set<string>();
  const stack = graph.nodes.filter((node) => node.kind === 'trigger').map((node) => node.id);
  while (stack.length) {
    const id = stack.pop() as string;
    if (reached.has(id)) continue;
    reached.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  for (const node of graph.nodes) {
    if ((node.kind === 'points' || node.kind === 'condition') && !reached.has(node.id)) {
      issues.push(error('unreachable', `No trigger leads to "${nodeName(node)}", so it can never apply.`, { nodeId: node.id }));
    }
  }
  return issues;
}

/** Outgoing node ids per node id. */
export function adjacency(graph: Pick<RuleGraph, 'edges'>): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  return next;
}

function nodeName(node: GraphNode): string {
  return node.label ?? node.id;
}

function error(code: string, message: string, where: { nodeId?: string; edgeId?: string } = {}): GraphIssue {
  return { severity: 'error', code, message, ...where };
}

function warning(code: string, message: string, nodeId?: string): GraphIssue {
  return { severity: 'warning', code, message, ...(nodeId ? { nodeId } : {}) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
