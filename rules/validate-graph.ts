/**
 * Checks a rule graph and reports every problem as an issue that names its node or edge, in
 * words a marketer understands, so the editor can paint it. Never throws on any input.
 */
import { foldText } from '../engine/normalise-attributes';
import { canConnect } from './connections';
import { FACTS_BY_ID, OPERATOR_IDS, type FactDefinition } from './facts-catalogue';
import type { GraphIssue } from './graph-issue';
import { guardInput } from './guard-input';
import { ruleGraphSchema, type GraphNode, type NodeKind, type NodeOfKind, type RuleGraph } from './graph.schema';
import { segmentsOverlap } from './segment-overlap';
import { checkConditions } from './validate-conditions';

export type { GraphIssue } from './graph-issue';

export interface ValidationResult {
  /** The parsed graph when its shape is right (it may still have issues). */
  graph?: RuleGraph;
  issues: GraphIssue[];
  /** True when there is no error (warnings allowed): the graph can be compiled. */
  ok: boolean;
}

/** Validates `input` (any JSON) as a rule graph. */
export function validateGraph(input: unknown): ValidationResult {
  try {
    const guarded = guardInput(input);
    if (guarded.length > 0) return { issues: guarded, ok: false };
    const parsed = ruleGraphSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => {
        const specific = mostSpecific(issue);
        return shapeIssue(input, specific.path, specific.message);
      });
      return { issues, ok: false };
    }
    const graph = parsed.data;
    const { declared, issues: attributeIssues } = declaredAttributes(graph);
    const issues = [...checkIds(graph), ...checkEdges(graph), ...attributeIssues];
    if (!issues.some(isError)) {
      issues.push(...checkNodes(graph, declared), ...checkSegments(graph, declared), ...checkPaths(graph, declared), ...checkPredictive(graph, declared), ...checkValueMaps(graph, declared));
    }
    return { graph, issues, ok: !issues.some(isError) };
  } catch (err) {
    // A bug of ours must not become a 500 for the marketer: report it as an issue.
    return { issues: [{ severity: 'error', code: 'internal', message: `The graph could not be checked: ${(err as Error).message}`, path: [] }], ok: false };
  }
}

interface ZodProblem {
  code: string;
  path: PropertyKey[];
  message: string;
  errors?: ZodProblem[][];
}

/**
 * A condition is a leaf or a group, so zod reports a bad one as "invalid input" for the union.
 * The branch with the fewest problems is the one the author meant: report its first problem.
 */
function mostSpecific(issue: ZodProblem): { path: Array<string | number>; message: string } {
  const base = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return { path: base, message: issue.message };
  const branch = [...issue.errors].filter((errors) => errors.length > 0).sort((a, b) => a.length - b.length)[0];
  if (!branch) return { path: base, message: issue.message };
  const inner = mostSpecific(branch[0] as ZodProblem);
  return { path: [...base, ...inner.path], message: inner.message };
}

function shapeIssue(input: unknown, path: Array<string | number>, message: string): GraphIssue {
  const issue: GraphIssue = { severity: 'error', code: 'invalid_shape', message: `${path.join('.') || 'graph'}: ${message}`, path };
  if (path.at(-1) === 'operator') {
    issue.code = 'unknown_operator';
    issue.message = `"${String(valueAt(input, path))}" is not an operator. Use one of: ${OPERATOR_IDS.join(', ')}.`;
  }
  const list = path[0] === 'nodes' ? 'nodeId' : path[0] === 'edges' ? 'edgeId' : undefined;
  if (list && typeof path[1] === 'number' && isRecord(input)) {
    const items = input[path[0] as string];
    const item = Array.isArray(items) ? items[path[1]] : undefined;
    if (isRecord(item) && typeof item.id === 'string') {
      issue[list] = item.id;
      if (list === 'nodeId' && path.length > 2) issue.field = path.slice(2);
    }
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
    } else if (!canConnect(source.kind, target.kind)) {
      issues.push(error('invalid_connection', `A ${source.kind} node cannot lead to a ${target.kind} node.`, { edgeId: edge.id }));
    }
  }
  return issues;
}

/** Attributes the model declares beyond the catalogue, as facts; a clash with another is an error. */
function declaredAttributes(graph: RuleGraph): { declared: Map<string, FactDefinition>; issues: GraphIssue[] } {
  const declared = new Map<string, FactDefinition>();
  const issues: GraphIssue[] = [];
  (graph.attributes ?? []).forEach((attribute, index) => {
    const id = `lead.${attribute.id}`;
    if (FACTS_BY_ID.has(id) || declared.has(id)) {
      issues.push(error('duplicate_attribute', `The attribute "${attribute.id}" is already ${declared.has(id) ? 'declared' : 'in the facts catalogue'}.`, { path: ['attributes', index] }));
    } else declared.set(id, { id, label: attribute.label, type: attribute.type, source: 'lead' });
  });
  return { declared, issues };
}

function checkNodes(graph: RuleGraph, declared: ReadonlyMap<string, FactDefinition>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const scores = new Set(graph.scores.map((score) => score.id));
  const segments = new Set(graph.segments.map((segment) => segment.id));
  const connected = new Set(graph.edges.flatMap((edge) => [edge.source, edge.target]));
  const unknownScore = (node: GraphNode, id: string, role: string, field: string) =>
    issues.push(error('unknown_score', `${role} the score "${id}", which this model does not define.`, { nodeId: node.id, field: [field] }));

  graph.recycle.resetScores.forEach((id, index) => {
    if (!scores.has(id)) issues.push(error('unknown_score', `Recycling resets the score "${id}", which this model does not define.`, { path: ['recycle', 'resetScores', index] }));
  });
  graph.scores.forEach((score, index) => {
    if (score.min !== undefined && score.max !== undefined && score.min > score.max) {
      issues.push(error('invalid_cap', `The score "${score.label}" has a minimum above its maximum.`, { path: ['scores', index] }));
    }
  });
  for (const node of graph.nodes) {
    if (!connected.has(node.id) && node.kind !== 'decay') {
      issues.push(warning('disconnected', `"${nodeName(node)}" is not connected to anything and has no effect.`, node.id));
    }
    switch (node.kind) {
      case 'trigger':
        for (const attribute of node.attributes) {
          if (FACTS_BY_ID.get(attribute)?.source !== 'lead' && !declared.has(attribute)) {
            issues.push(error('unknown_attribute', `The trigger watches "${attribute}", which is neither a lead attribute of the catalogue nor one this model declares.`, { nodeId: node.id, field: ['attributes'] }));
          }
        }
        break;
      case 'condition':
        for (const problem of checkConditions(node, 'scoring', declared)) {
          if (problem.code !== 'routing_fact_only') issues.push(error(problem.code, problem.message, { nodeId: node.id, field: problem.path }));
        }
        break;
      case 'points':
        if (!scores.has(node.score)) unknownScore(node, node.score, 'Points go to', 'score');
        if (node.limits?.windowDays !== undefined && node.limits.maxTimes === undefined) {
          issues.push(error('invalid_limit', 'A window needs "at most K times" to limit anything.', { nodeId: node.id, field: ['limits', 'maxTimes'] }));
        }
        break;
      case 'decay':
        if (!scores.has(node.score)) unknownScore(node, node.score, 'The decay takes from', 'score');
        break;
      case 'threshold': {
        const watched = node.score === 'total' ? [] : typeof node.score === 'string' ? [node.score] : node.score;
        for (const id of watched) if (!scores.has(id)) unknownScore(node, id, 'The threshold watches', 'score');
        if (node.segment !== undefined && !segments.has(node.segment)) {
          issues.push(error('unknown_segment', `The threshold is for the segment "${node.segment}", which this model does not define.`, { nodeId: node.id, field: ['segment'] }));
        }
        break;
      }
      case 'grade':
        if (!scores.has(node.fitScore)) unknownScore(node, node.fitScore, 'The grade reads fit from', 'fitScore');
        if (!scores.has(node.engagementScore)) unknownScore(node, node.engagementScore, 'The grade reads engagement from', 'engagementScore');
        for (const bands of ['fitBands', 'engagementBands'] as const) {
          const wrong = firstNotDescending(node[bands]);
          if (wrong !== undefined) issues.push(error('invalid_bands', 'Grade bands must go down: A above B above C, 1 above 2 above 3.', { nodeId: node.id, field: [bands, wrong] }));
        }
        break;
      case 'route':
        if (node.strategy !== 'queue' && node.owners.length === 0) {
          issues.push(error('no_owners', `Add the owners to share leads between (${node.strategy.replace('_', '-')}).`, { nodeId: node.id, field: ['strategy'] }));
        }
        break;
    }
  }
  for (const extra of graph.nodes.filter((node) => node.kind === 'grade').slice(1)) {
    issues.push(error('two_grades', 'A model has one grade matrix; remove the extra grade node.', { nodeId: extra.id }));
  }
  if (!graph.nodes.some((node) => node.kind === 'threshold' || node.kind === 'grade')) {
    issues.push({ ...warning('no_threshold', 'The model has no threshold or grade: no lead will ever be handed to sales.'), path: ['nodes'] });
  }
  return issues;
}

/** Segment conditions, and thresholds for segments that can both hold for one lead. */
function checkSegments(graph: RuleGraph, declared: ReadonlyMap<string, FactDefinition>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  graph.segments.forEach((segment, index) => {
    for (const problem of checkConditions(segment, 'segment', declared)) {
      issues.push(error(problem.code, `Segment "${segment.label}": ${problem.message}`, { path: ['segments', index, ...problem.path] }));
    }
  });
  const thresholds = graph.nodes.filter((node): node is NodeOfKind<'threshold'> => node.kind === 'threshold');
  const bySegment = new Map<string, NodeOfKind<'threshold'>[]>();
  for (const threshold of thresholds) {
    const key = threshold.segment ?? '';
    const sharing = bySegment.get(key) ?? [];
    // Thresholds on different scores (one per product line) may share a segment; the same one twice is a mistake.
    if (sharing.some((other) => JSON.stringify(other.score) === JSON.stringify(threshold.score))) {
      const whom = threshold.segment ? `segment "${threshold.segment}"` : 'leads without a segment';
      issues.push(warning('duplicate_threshold', `Another threshold on the same score already applies to ${whom}; the first one reached hands the lead off.`, threshold.id));
    }
    bySegment.set(key, [...sharing, threshold]);
  }
  const withThresholds = graph.segments.filter((segment) => bySegment.has(segment.id));
  withThresholds.forEach((first, index) => {
    for (const second of withThresholds.slice(index + 1)) {
      if (segmentsOverlap(first, second)) {
        const nodeId = bySegment.get(second.id)?.[0]?.id;
        issues.push(
          warning(
            'overlapping_segments',
            `A lead can be in both "${first.label}" and "${second.label}"; it gets the threshold of "${first.label}", listed first.`,
            nodeId,
          ),
        );
      }
    }
  });
  return issues;
}

/** Cycles; points and routes that nothing reaches; conditions shared by scoring and routing. */
function checkPaths(graph: RuleGraph, declared: ReadonlyMap<string, FactDefinition>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const next = adjacency(graph);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const cycleAt = findCycle(graph, next);
  if (cycleAt) return [error('cycle', 'These connections form a loop; rules must flow one way.', { nodeId: cycleAt })];

  const scoring = reachableFrom(graph, next, ['trigger']);
  const qualifying = reachableFrom(graph, next, ['threshold', 'grade']);
  for (const node of graph.nodes) {
    if ((node.kind === 'points' || node.kind === 'condition') && !scoring.has(node.id) && !qualifying.has(node.id)) {
      issues.push(error('unreachable', `No trigger leads to "${nodeName(node)}", so it can never apply.`, { nodeId: node.id }));
    }
    if (node.kind === 'condition' && scoring.has(node.id) && qualifying.has(node.id)) {
      issues.push(error('mixed_condition', 'This condition sits both on a scoring path and on a routing path; use two conditions.', { nodeId: node.id }));
    }
    if (node.kind === 'condition' && qualifying.has(node.id) && !scoring.has(node.id)) {
      for (const problem of checkConditions(node, 'routing', declared)) {
        if (problem.code === 'lead_fact_only') issues.push(error(problem.code, problem.message, { nodeId: node.id, field: problem.path }));
      }
    }
    if (node.kind === 'condition' && scoring.has(node.id)) {
      for (const problem of checkConditions(node, 'scoring', declared)) {
        if (problem.code === 'routing_fact_only') issues.push(error(problem.code, problem.message, { nodeId: node.id, field: problem.path }));
      }
    }
    if (node.kind === 'route' && !qualifying.has(node.id)) {
      issues.push(error('unreachable_route', `No threshold or grade leads to "${nodeName(node)}", so no lead is ever routed there.`, { nodeId: node.id }));
    }
    if ((node.kind === 'threshold' || node.kind === 'grade') && !(next.get(node.id) ?? []).length) {
      issues.push(error('no_route', 'Connect this to a route, so that qualified leads reach a sales queue.', { nodeId: node.id }));
    }
    if (node.kind === 'threshold' || node.kind === 'grade') issues.push(...checkShadowedRoutes(node, next, byId));
  }
  return issues;
}

/**
 * Predictive scores: each sets a defined score, one per score, that no points or decay also
 * change; 'when' terms test lead attributes only, 'linear' terms a numeric lead attribute.
 */
function checkPredictive(graph: RuleGraph, declared: ReadonlyMap<string, FactDefinition>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const scores = new Set(graph.scores.map((score) => score.id));
  const seen = new Set<string>();
  (graph.predictive ?? []).forEach((predictive, index) => {
    const path = ['predictive', index];
    const name = predictive.label ?? predictive.score;
    if (!scores.has(predictive.score)) issues.push(error('unknown_score', `The predictive score "${name}" sets the score "${predictive.score}", which this model does not define.`, { path }));
    if (seen.has(predictive.score)) issues.push(error('duplicate_predictive', `Two predictive models set the score "${predictive.score}".`, { path }));
    seen.add(predictive.score);
    for (const node of graph.nodes) {
      if ((node.kind === 'points' || node.kind === 'decay') && node.score === predictive.score) {
        issues.push(error('predictive_score_points', `"${nodeName(node)}" changes the score "${predictive.score}", which a predictive model sets; use another score.`, { nodeId: node.id }));
      }
    }
    predictive.terms.forEach((term, termIndex) => {
      const where = { path: [...path, 'terms', termIndex] };
      const prefix = `Predictive score "${name}", term ${termIndex + 1}`;
      if (term.kind === 'when') {
        for (const problem of checkConditions(term, 'segment', declared)) issues.push(error(problem.code, `${prefix}: ${problem.message}`, where));
        return;
      }
      const fact = FACTS_BY_ID.get(term.fact) ?? declared.get(term.fact);
      if (!fact || fact.source !== 'lead') issues.push(error('unknown_fact', `${prefix} reads "${term.fact}", which is not a known lead attribute.`, where));
      else if (fact.type !== 'number') issues.push(error('operator_mismatch', `${prefix} multiplies ${fact.label}, which is a ${fact.type}, not a number.`, where));
      if (term.lower !== undefined && term.upper !== undefined && term.lower > term.upper) {
        issues.push(error('invalid_bounds', `${prefix}: the lower bound is above the upper bound.`, where));
      }
    });
  });
  return issues;
}

/** A second route that a source reaches without conditions is never chosen. */
/** A value map is for a text attribute the model knows, once per attribute, and maps each value one way. */
function checkValueMaps(graph: RuleGraph, declared: ReadonlyMap<string, FactDefinition>): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const mapped = new Set<string>();
  (graph.valueMaps ?? []).forEach((map, index) => {
    const path = ['valueMaps', index];
    const fact = FACTS_BY_ID.get(map.attribute) ?? declared.get(map.attribute);
    if (!fact || fact.source !== 'lead') issues.push(error('unknown_attribute', `The value map is for "${map.attribute}", which is neither a lead attribute of the catalogue nor one this model declares.`, { path }));
    else if (fact.type !== 'string') issues.push(error('operator_mismatch', `The value map is for ${fact.label}, which is a ${fact.type}, not text.`, { path }));
    if (mapped.has(map.attribute)) issues.push(error('duplicate_value_map', `Two value maps are for "${map.attribute}"; put their values in one.`, { path }));
    mapped.add(map.attribute);
    const targets = new Map<string, string>();
    map.values.forEach((entry, entryIndex) => {
      for (const from of entry.from) {
        const key = foldText(from);
        const earlier = targets.get(key);
        if (earlier !== undefined && earlier !== entry.to) {
          issues.push(error('conflicting_value_map', `"${from}" is mapped both to "${earlier}" and to "${entry.to}".`, { path: [...path, 'values', entryIndex] }));
        }
        targets.set(key, entry.to);
      }
    });
  });
  return issues;
}

function checkShadowedRoutes(source: GraphNode, next: Map<string, string[]>, byId: Map<string, GraphNode>): GraphIssue[] {
  const direct = (next.get(source.id) ?? []).map((id) => byId.get(id)).filter((node) => node?.kind === 'route') as GraphNode[];
  return direct.slice(1).map((route) =>
    warning('shadowed_route', `"${nodeName(source)}" already routes without conditions to "${nodeName(direct[0] as GraphNode)}"; this route is never chosen.`, route.id),
  );
}

function findCycle(graph: RuleGraph, next: Map<string, string[]>): string | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of graph.nodes) {
    if (state.has(start.id)) continue;
    // Iterative depth-first search: a hostile graph must not overflow the stack.
    const stack: Array<{ id: string; children: string[] }> = [{ id: start.id, children: [...(next.get(start.id) ?? [])] }];
    state.set(start.id, 'visiting');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const child = top.children.pop();
      if (child === undefined) {
        state.set(top.id, 'done');
        stack.pop();
      } else if (state.get(child) === 'visiting') return child;
      else if (!state.has(child)) {
        state.set(child, 'visiting');
        stack.push({ id: child, children: [...(next.get(child) ?? [])] });
      }
    }
  }
  return undefined;
}

function reachableFrom(graph: RuleGraph, next: Map<string, string[]>, kinds: NodeKind[]): Set<string> {
  const reached = new Set<string>();
  const stack = graph.nodes.filter((node) => kinds.includes(node.kind)).map((node) => node.id);
  while (stack.length) {
    const id = stack.pop() as string;
    if (reached.has(id)) continue;
    reached.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return reached;
}

/** Outgoing node ids per node id. */
export function adjacency(graph: Pick<RuleGraph, 'edges'>): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) next.set(edge.source, [...(next.get(edge.source) ?? []), edge.target]);
  return next;
}

/** The index of the first band not below the one before it, if any. */
function firstNotDescending(bands: readonly number[]): number | undefined {
  const index = bands.findIndex((value, i) => i > 0 && value >= (bands[i - 1] as number));
  return index < 0 ? undefined : index;
}
const isError = (issue: GraphIssue) => issue.severity === 'error';
const nodeName = (node: GraphNode) => node.label ?? node.id;

function error(code: string, message: string, where: Pick<GraphIssue, 'nodeId' | 'edgeId' | 'path' | 'field'> = {}): GraphIssue {
  return { severity: 'error', code, message, ...where };
}

function warning(code: string, message: string, nodeId?: string): GraphIssue {
  return { severity: 'warning', code, message, ...(nodeId ? { nodeId } : {}) };
}

function valueAt(input: unknown, path: Array<string | number>): unknown {
  return path.reduce<unknown>((value, key) => (isRecord(value) || Array.isArray(value) ? (value as any)[key] : undefined), input);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
