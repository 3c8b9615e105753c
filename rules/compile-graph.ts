/**
 * Compiles a valid rule graph into the model the engine runs: one json-rules-engine rule per
 * points node (indexed by what can trigger it, with a reason in words), plus the policies
 * json-rules-engine does not express: decay, segments, thresholds, the grade and routes.
 */
import type { NestedCondition, TopLevelCondition } from 'json-rules-engine';
import type {
  CompiledDecay,
  CompiledGrade,
  CompiledModel,
  CompiledPredictive,
  CompiledRoute,
  CompiledRule,
  CompiledValueMap,
  CompiledThreshold,
  RoutingChoice,
} from '../engine/types';
import { foldText } from '../engine/normalise-attributes';
import { CHANNELS, type FactDefinition } from './facts-catalogue';
import { countLeaves, toEngineGroup } from './compile-conditions';
import { describeConditions } from './operator-words';
import type { GraphNode, NodeOfKind, PredictiveScore, ValueMap } from './graph.schema';
import { validateGraph, type GraphIssue } from './validate-graph';

/** Above this many conditions one rule is refused: shared branches can multiply paths. */
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
 * Validates and compiles `graph`. Deterministic: the same graph always gives the same model,
 * with ids taken from the graph's node ids.
 * @throws GraphCompileError with the graph's issues when it has errors or a rule grows too large.
 */
export function compileGraph(graph: unknown): CompiledModel {
  const { graph: valid, issues, ok } = validateGraph(graph);
  if (!valid || !ok) throw new GraphCompileError('compileGraph: the graph has errors', issues);

  const byId = new Map(valid.nodes.map((node) => [node.id, node]));
  const predecessors = new Map<string, GraphNode[]>();
  const successors = new Map<string, GraphNode[]>();
  for (const edge of valid.edges) {
    predecessors.set(edge.target, [...(predecessors.get(edge.target) ?? []), byId.get(edge.source) as GraphNode]);
    successors.set(edge.source, [...(successors.get(edge.source) ?? []), byId.get(edge.target) as GraphNode]);
  }
  // Reasons name a model's own attributes by their labels, as the editor does.
  const declared: ReadonlyMap<string, FactDefinition> = new Map(
    (valid.attributes ?? []).map((attribute) => [`lead.${attribute.id}`, { id: `lead.${attribute.id}`, label: attribute.label, type: attribute.type, source: 'lead' as const }]),
  );
  const reach = memoReach(predecessors, declared);
  const ofKind = <K extends GraphNode['kind']>(kind: K) => valid.nodes.filter((node): node is NodeOfKind<K> => node.kind === kind);
  const routing = (sourceId: string) => routingChoices(sourceId, successors);
  const grade = ofKind('grade')[0];

  return {
    format: 2,
    scores: valid.scores.map(({ id, label, min, max }) => ({ id, label, ...(min !== undefined && { min }), ...(max !== undefined && { max }) })),
    rules: ofKind('points').map((node) => compileRule(node, reach(node))),
    decay: ofKind('decay').map(compileDecay),
    segments: valid.segments.map((segment) => ({ id: segment.id, label: segment.label, conditions: toEngineGroup(segment) })),
    thresholds: ofKind('threshold').map((node): CompiledThreshold => ({
      id: node.id,
      name: node.label ?? node.id,
      scores: node.score === 'total' ? 'total' : typeof node.score === 'string' ? [node.score] : [...node.score],
      value: node.value,
      stage: node.stage,
      ...(node.segment !== undefined && { segment: node.segment }),
      routing: routing(node.id),
    })),
    ...(grade && { grade: compileGrade(grade, routing(grade.id)) }),
    routes: ofKind('route').map(compileRoute),
    recycle: { resetScores: [...valid.recycle.resetScores], coolDownDays: valid.recycle.coolDownDays },
    // Absent rather than empty, so models without one compile exactly as before.
    ...(valid.predictive && valid.predictive.length > 0 && { predictive: valid.predictive.map((predictive) => compilePredictive(predictive, declared)) }),
    ...(valid.valueMaps && valid.valueMaps.length > 0 && { valueMaps: valid.valueMaps.map(compileValueMap) }),
  };
}

/** Keys folded as normaliseAttributes looks them up: lower case, one space between words. */
function compileValueMap(map: ValueMap): CompiledValueMap {
  const values = new Map<string, string>();
  for (const entry of map.values) for (const from of entry.from) values.set(foldText(from), entry.to);
  // fromEntries makes own properties, so a value such as "__proto__" stays a value.
  return { attribute: map.attribute.replace(/^lead\./, ''), values: Object.fromEntries(values) };
}

function compilePredictive(predictive: PredictiveScore, declared: ReadonlyMap<string, FactDefinition>): CompiledPredictive {
  return {
    score: predictive.score,
    name: predictive.label ?? predictive.score,
    intercept: predictive.intercept,
    ...(predictive.baseline !== undefined && { baseline: predictive.baseline }),
    terms: predictive.terms.map((term) =>
      term.kind === 'when'
        ? { kind: 'when', name: term.label ?? describeConditions(term, declared), weight: term.weight, conditions: toEngineGroup(term) }
        : {
            kind: 'linear',
            name: term.label ?? term.fact.replace(/^lead\./, ''),
            weight: term.weight,
            fact: term.fact,
            center: term.center,
            scale: term.scale,
            ...(term.lower !== undefined && { lower: term.lower }),
            ...(term.upper !== undefined && { upper: term.upper }),
          },
    ),
  };
}

interface Reach {
  condition: TopLevelCondition;
  triggers: Set<string>;
  /** The path in words, for reasons. */
  words: string;
  /** Leaf conditions in `condition`. */
  size: number;
}

function compileRule(node: NodeOfKind<'points'>, reach: Reach): CompiledRule {
  if (reach.size > MAX_CONDITIONS_PER_RULE) {
    throw new GraphCompileError('compileGraph: a rule is too large', [
      {
        severity: 'error',
        code: 'too_complex',
        nodeId: node.id,
        message: `The paths into "${node.label ?? node.id}" add up to ${reach.size} conditions (at most ${MAX_CONDITIONS_PER_RULE}); simplify the branches that lead here.`,
      },
    ]);
  }
  const name = node.label ?? node.id;
  const reason = `${reach.words}: ${node.points >= 0 ? '+' : ''}${node.points} ${node.score}`;
  return {
    id: node.id,
    name,
    triggers: [...reach.triggers].sort(),
    conditions: reach.condition,
    event: { type: 'points', params: { ruleId: node.id, ruleName: name, score: node.score, points: node.points, reason } },
    // Equal priorities let json-rules-engine evaluate rules in parallel; the scorer keeps graph order.
    priority: 1,
    ...(node.limits && Object.keys(node.limits).length > 0 && { limits: { ...node.limits } }),
  };
}

/** For each node: the condition under which an event reaches it from some trigger. */
function memoReach(predecessors: Map<string, GraphNode[]>, declared: ReadonlyMap<string, FactDefinition>): (node: GraphNode) => Reach {
  const memo = new Map<string, Reach>();
  const reach = (node: GraphNode): Reach => {
    const known = memo.get(node.id);
    if (known) return known;
    let result: Reach;
    if (node.kind === 'trigger') result = triggerReach(node);
    else {
      const incoming = (predecessors.get(node.id) ?? []).filter((p) => p.kind === 'trigger' || p.kind === 'condition').map(reach);
      const triggers = new Set(incoming.flatMap((r) => [...r.triggers]));
      let condition: TopLevelCondition = incoming.length === 1 ? (incoming[0] as Reach).condition : { any: incoming.map((r) => r.condition) };
      let words = incoming.length === 1 ? (incoming[0] as Reach).words : `one of (${incoming.map((r) => r.words).join('; ')})`;
      let size = incoming.reduce((sum, r) => sum + r.size, 0);
      if (node.kind === 'condition') {
        condition = and(condition, toEngineGroup(node));
        const said = describeConditions(node, declared);
        words = `${words}, ${node.conditions.length > 1 ? `(${said})` : said}`;
        size += countLeaves(node);
      }
      result = { condition, triggers, words, size };
    }
    memo.set(node.id, result);
    return result;
  };
  return reach;
}

function triggerReach(node: NodeOfKind<'trigger'>): Reach {
  const parts: NestedCondition[] = [];
  if (node.eventTypes.length > 0) parts.push({ fact: 'event.type', operator: 'in', value: [...node.eventTypes] });
  for (const attribute of node.attributes) parts.push({ fact: 'changedAttributes', operator: 'contains', value: attribute });
  const words = [
    ...node.eventTypes.map((type) => type.replace(/_/g, ' ')),
    ...node.attributes.map((attribute) => `${attribute.replace(/^lead\./, '')} changed`),
  ].join(' or ');
  return {
    condition: parts.length === 1 ? { all: parts } : { any: parts },
    triggers: new Set([...node.eventTypes.map((type) => `event:${type}`), ...node.attributes.map((a) => `attribute:${a}`)]),
    words,
    size: parts.length,
  };
}

function compileDecay(node: NodeOfKind<'decay'>): CompiledDecay {
  return {
    id: node.id,
    name: node.label ?? node.id,
    score: node.score,
    channel: node.channel,
    activity: [...CHANNELS[node.channel]],
    rule: { ...node.rule },
    floor: node.floor,
  };
}

function compileGrade(node: NodeOfKind<'grade'>, routing: RoutingChoice[]): CompiledGrade {
  return {
    id: node.id,
    fitScore: node.fitScore,
    engagementScore: node.engagementScore,
    fitBands: [...node.fitBands],
    engagementBands: [...node.engagementBands],
    salesReady: [...node.salesReady],
    routing,
  };
}

function compileRoute(node: NodeOfKind<'route'>): CompiledRoute {
  return {
    id: node.id,
    name: node.label ?? node.id,
    team: node.team,
    queue: node.queue,
    owners: node.owners.map(({ id, weight }) => ({ id, weight })),
    strategy: node.strategy,
    slaHours: node.slaHours,
    ...(node.escalateTo !== undefined && { escalateTo: node.escalateTo }),
    maxEscalations: node.maxEscalations,
  };
}

/**
 * The routes a threshold or grade leads to, with the conditions collected on the way.
 * Conditional choices come first, in edge order; an unconditional one is the fallback.
 */
function routingChoices(sourceId: string, successors: Map<string, GraphNode[]>): RoutingChoice[] {
  const choices: RoutingChoice[] = [];
  const walk = (nodeId: string, collected: TopLevelCondition[]) => {
    for (const next of successors.get(nodeId) ?? []) {
      if (next.kind === 'route') {
        const conditions = collected.length === 0 ? undefined : collected.length === 1 ? collected[0] : { all: collected };
        choices.push({ routeId: next.id, ...(conditions && { conditions }) });
      } else if (next.kind === 'condition') walk(next.id, [...collected, toEngineGroup(next)]);
    }
  };
  walk(sourceId, []);
  return [...choices.filter((c) => c.conditions), ...choices.filter((c) => !c.conditions)];
}

/** `a AND b`, flattening nested `all` lists so compiled rules stay readable. */
function and(a: TopLevelCondition, b: TopLevelCondition): TopLevelCondition {
  const parts = (c: TopLevelCondition): NestedCondition[] => ('all' in c && c.all ? c.all : [c]);
  return { all: [...parts(a), ...parts(b)] };
}
