/**
 * Compiles a valid rule graph into the model the engine runs: one json-rules-engine rule per
 * points node, indexed by the event types that can fire it, plus the threshold policies.
 */
import type { NestedCondition, TopLevelCondition } from 'json-rules-engine';
import type { CompiledModel, CompiledRule, CompiledThreshold } from '../engine/types';
import type { GraphNode, NodeOfKind, RuleGraph } from './graph.schema';
import { validateGraph, type GraphIssue } from './validate-graph';

/** Above this many conditions one rule is refused: a graph of shared branches can multiply paths. */
export const MAX_CONDITIONS_PER_RULE = 2_000;

export class GraphCompileError extends Error {
  override name = 'GraphCompileError';
  constructor(
    message: string,
    readonly issues: GraphIssue[],
  ) {
    super(message);
  }
}

/**
 * Validates and compiles `graph`. Deterministic: the same graph always gives the same model.
 * @throws GraphCompileError with the graph's issues when it has errors or a rule grows too large.
 */
export function compileGraph(graph: unknown): CompiledModel {
  const { graph: valid, issues, ok } = validateGraph(graph);
  if (!valid || !ok) throw new GraphCompileError('compileGraph: the graph has errors', issues);

  const byId = new Map(valid.nodes.map((node) => [node.id, node]));
  const predecessors = new Map<string, GraphNode[]>();
  for (const edge of valid.edges) {
    const source = byId.get(edge.source) as GraphNode;
    predecessors.set(edge.target, [...(predecessors.get(edge.target) ?? []), source]);
  }
  const reach = memoReach(predecessors);

  const rules = valid.nodes
    .filter((node): node is NodeOfKind<'points'> => node.kind === 'points')
    .map((node): CompiledRule => {
      const { condition, triggers, size } = reach(node);
      if (size > MAX_CONDITIONS_PER_RULE) {
        throw new GraphCompileError('compileGraph: a rule is too large', [
          {
            severity: 'error',
            code: 'too_complex',
            nodeId: node.id,
            message: `The paths into "${node.label ?? node.id}" add up to ${size} conditions (at most ${MAX_CONDITIONS_PER_RULE}); simplify the branches that lead here.`,
          },
        ]);
      }
      const name = node.label ?? node.id;
      return {
        id: node.id,
        name,
        triggers: [...triggers].sort(),
        conditions: condition,
        event: { type: 'points', params: { ruleId: node.id, ruleName: name, score: node.score, points: node.points } },
        // Equal priorities let json-rules-engine evaluate rules in parallel; the scorer keeps graph order.
        priority: 1,
      };
    });

  const thresholds = valid.nodes
    .filter((node): node is NodeOfKind<'threshold'> => node.kind === 'threshold')
    .map((node): CompiledThreshold => {
      const routeEdge = valid.edges.find((edge) => edge.source === node.id && byId.get(edge.target)?.kind === 'route');
      const route = byId.get(routeEdge?.target ?? '') as NodeOfKind<'route'>;
      return { id: node.id, score: node.score, value: node.value, stage: node.stage, route: { queue: route.queue } };
    });

  return { format: 1, scores: valid.scores.map(({ id, label }) => ({ id, label })), rules, thresholds };
}

interface Reach {
  condition: TopLevelCondition;
  triggers: Set<string>;
  /** Leaf conditions in `condition`. */
  size: number;
}

/** For each node: the condition under which an event reaches it from some trigger. */
function memoReach(predecessors: Map<string, GraphNode[]>): (node: GraphNode) => Reach {
  const memo = new Map<string, Reach>();
  const reach = (node: GraphNode): Reach => {
    const known = memo.get(node.id);
    if (known) return known;
    let result: Reach;
    if (node.kind === 'trigger') {
      result = {
        condition: { all: [{ fact: 'event.type', operator: 'in', value: [...node.eventTypes] }] },
        triggers: new Set(node.eventTypes),
        size: 1,
      };
    } else {
      const incoming = (predecessors.get(node.id) ?? []).map(reach);
      const triggers = new Set(incoming.flatMap((r) => [...r.triggers]));
      let condition: TopLevelCondition =
        incoming.length === 1 ? (incoming[0] as Reach).condition : { any: incoming.map((r) => r.condition) };
      let size = incoming.reduce((sum, r) => sum + r.size, 0);
      if (node.kind === 'condition') {
        const own: NestedCondition[] = node.conditions.map(({ fact, operator, value }) => ({ fact, operator, value }));
        condition = and(condition, node.match === 'all' ? { all: own } : { any: own });
        size += own.length;
      }
      result = { condition, triggers, size };
    }
    memo.set(node.id, result);
    return result;
  };
  return reach;
}

/** `a AND b`, flattening nested `all` lists so compiled rules stay readable. */
function and(a: TopLevelCondition, b: TopLevelCondition): TopLevelCondition {
  const parts = (c: TopLevelCondition): NestedCondition[] => ('all' in c && c.all ? c.all : [c]);
  return { all: [...parts(a), ...parts(b)] };
}
