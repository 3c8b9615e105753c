/**
 * Scoring one event of one lead with json-rules-engine, and the other decisions that read lead
 * facts through the model's conditions: which segment a lead is in, and which route it takes.
 *
 * `createScorer` builds the engines for a compiled model once; reuse it for every event of that
 * model version. Rules are indexed by trigger: an event only meets the rules its type (or the
 * attributes it changed) can fire.
 *
 * Its answers are plain values on the compiled path and promises only where json-rules-engine
 * has to run (a rule outside the compiled subset, or the reference evaluator): the lifecycle
 * core runs in Temporal's workflow sandbox, where every promise costs a stack capture (steps.ts).
 */
import { Almanac, Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { compileCondition, type OperatorFunction, type Predicate } from './compiled-evaluator';
import { DERIVED_FACTS, type DerivedInputs } from './derived-facts';
import { normaliseConditionValues } from './normalise-attributes';
import { addOperators } from './operators';
import { settle, wait, type MaybePromise, type Steps } from './steps';
import type {
  CompiledModel,
  CompiledPredictive,
  CompiledPredictiveTerm,
  CompiledRoute,
  FactValue,
  LeadEvent,
  PointsRuleEvent,
  PredictedScore,
  RoutingChoice,
  RuleHit,
  ScoringContext,
} from './types';

/**
 * Every answer is a plain value when only compiled closures ran, and a promise when
 * json-rules-engine had to: `await` takes either; the lifecycle core takes them with `wait`.
 */
export interface Scorer {
  /** Rules that fire for `event`, in model order, each with its reason; [] when none listens. */
  score(event: LeadEvent, context: ScoringContext): MaybePromise<RuleHit[]>;
  /** The first of the model's segments whose conditions the lead's attributes meet. */
  segmentOf(attributes: Record<string, FactValue>): MaybePromise<string | undefined>;
  /**
   * Where a lead that qualified through `sourceId` (a threshold or the grade) goes: the first of
   * that source's routing choices whose conditions the lead meets; undefined if none does.
   */
  route(sourceId: string, attributes: Record<string, FactValue>): MaybePromise<CompiledRoute | undefined>;
  /**
   * The model's predictive scores for a lead with these attributes, in model order; [] when the
   * model has none. They are set, not added: each is the lead's score from the fitted model.
   * @param at - the instant the lead is scored at (its event's time): a term on the age of a
   *   date attribute ("within 30 days") measures it to then; without it such a term never holds.
   */
  predict(attributes: Record<string, FactValue>, at?: string): MaybePromise<PredictedScore[]>;
  /** How the model's rules are evaluated: as compiled closures, or on json-rules-engine (fallback). */
  readonly stats: {
    rules: number;
    compiled: number;
    fallback: number;
    fallbackRuleIds: string[];
    /** Predictive scores whose conditions run on json-rules-engine. */
    fallbackPredictive: string[];
  };
}

export interface ScorerOptions {
  /**
   * 'compiled' (the default) runs rules as plain closures and falls back to json-rules-engine
   * for any rule outside the compiled subset; 'json-rules-engine' runs everything on it: the
   * reference that the differential test compares with.
   */
  evaluator?: 'compiled' | 'json-rules-engine';
  /** Operator implementations for the compiled evaluator; a test swaps one to prove the differential test catches it. */
  operators?: Record<string, OperatorFunction>;
}

interface TriggerGroup {
  compiled: Array<{ params: PointsRuleEvent['params']; predicate: Predicate }>;
  fallback?: Engine;
}

/** Scorers kept by `sharedScorer`, the most recently asked for: a worker scores with one or two models at a time. */
const SHARED_SCORERS = 8;
const sharedScorers = new Map<string, Scorer>();

/**
 * The scorer for `compiledModel`, built once for everyone who shares this module. The lead
 * workflows of a worker share it (workflows/create-worker.ts evaluates the core once for them
 * all), so a lead's first turn does not build again what another lead built: about a millisecond
 * of the worker's CPU per lead. Keyed by the model's content, so equal models sent to different
 * leads meet. A scorer keeps nothing between calls (json-rules-engine's facts live in each run).
 */
export function sharedScorer(compiledModel: CompiledModel): Scorer {
  const key = JSON.stringify(compiledModel);
  const found = sharedScorers.get(key);
  sharedScorers.delete(key);
  const scorer = found ?? createScorer(compiledModel);
  sharedScorers.set(key, scorer);
  if (sharedScorers.size > SHARED_SCORERS) sharedScorers.delete(sharedScorers.keys().next().value as string);
  return scorer;
}

/**
 * Builds a scorer for one compiled model version. Building costs far more than running: build
 * once per version and reuse. Every entry point — live scoring, rescoring, simulation,
 * backtests — scores through this.
 */
export function createScorer(compiledModel: CompiledModel, options: ScorerOptions = {}): Scorer {
  // Rule values meet the lead's facts as normaliseAttributes gives them ("Germany" and "DE" alike).
  const model = withNormalisedValues(compiledModel);
  const compile = (conditions: TopLevelCondition) =>
    options.evaluator === 'json-rules-engine' ? undefined : compileCondition(conditions, options.operators);
  const groups = new Map<string, TriggerGroup>();
  const fallbackRuleIds = new Set<string>();
  for (const rule of model.rules) {
    const predicate = compile(rule.conditions);
    if (!predicate) fallbackRuleIds.add(rule.id);
    for (const trigger of rule.triggers) {
      let group = groups.get(trigger);
      if (!group) {
        group = { compiled: [] };
        groups.set(trigger, group);
      }
      if (predicate) group.compiled.push({ params: rule.event.params, predicate });
      else (group.fallback ??= newEngine()).addRule(toRuleProperties(rule));
    }
  }
  if (fallbackRuleIds.size > 0 && options.evaluator !== 'json-rules-engine') {
    // Visible, never silent: these rules give the right answer, only more slowly.
    console.warn(`[scorer] ${fallbackRuleIds.size} rule(s) run on json-rules-engine, outside the compiled subset: ${[...fallbackRuleIds].join(', ')}`);
  }
  const predictive = (model.predictive ?? []).map((section) => predictiveEvaluator(section, compile));
  const fallbackPredictive = predictive.filter((p) => p.fallback).map((p) => p.section.score);
  if (fallbackPredictive.length > 0 && options.evaluator !== 'json-rules-engine') {
    console.warn(`[scorer] predictive score(s) run on json-rules-engine, outside the compiled subset: ${fallbackPredictive.join(', ')}`);
  }
  const order = new Map(model.rules.map((rule, index) => [rule.id, index]));
  const eventKeys = new Map([...groups.keys()].filter((key) => key.startsWith('event:')).map((key) => [key.slice('event:'.length), key]));
  const matcher = (conditions: TopLevelCondition): Matcher => {
    const predicate = compile(conditions);
    return predicate ?? matcherFor(conditions);
  };
  const segments = model.segments.map((segment) => ({ id: segment.id, matcher: matcher(segment.conditions) }));
  const routes = new Map(model.routes.map((route) => [route.id, route]));
  const routingBySource = new Map<string, Array<{ route?: CompiledRoute; matcher?: Matcher }>>();
  for (const source of [...model.thresholds, ...(model.grade ? [model.grade] : [])]) {
    routingBySource.set(
      source.id,
      source.routing.map((choice: RoutingChoice) => ({
        route: routes.get(choice.routeId),
        matcher: choice.conditions ? matcher(choice.conditions) : undefined,
      })),
    );
  }

  function* segmentSteps(attributes: Record<string, FactValue>): Steps<string | undefined> {
    const facts = leadFacts(attributes);
    for (const segment of segments) if (yield* wait(segment.matcher(facts))) return segment.id;
    return undefined;
  }

  function* predictSteps(attributes: Record<string, FactValue>, at: string | undefined): Steps<PredictedScore[]> {
    if (predictive.length === 0) return [];
    const facts = leadFacts(attributes);
    if (at !== undefined) facts['event.occurredAt'] = at;
    const scores: PredictedScore[] = [];
    for (const evaluator of predictive) scores.push(predictScore(evaluator.section, yield* wait(evaluator.holds(facts)), facts));
    return scores;
  }

  function* scoreSteps(event: LeadEvent, context: ScoringContext): Steps<RuleHit[]> {
    const first = groups.get(eventKeys.get(event.type) ?? `event:${event.type}`);
    const changed = context.changedAttributes;
    if (!first && changed.length === 0) return [];
    const facts = toFacts(event, context);
    const hits: RuleHit[] = [];
    // Plain loops, and a promise only where json-rules-engine runs: this runs for every event.
    function* collect(group: TriggerGroup | undefined): Steps<void> {
      if (!group) return;
      for (const { params, predicate } of group.compiled) {
        if (predicate(facts) && (changed.length === 0 || !hits.some((hit) => hit.ruleId === params.ruleId))) hits.push({ ...params });
      }
      if (group.fallback) {
        for (const { params } of (yield* wait(group.fallback.run(facts))).events as PointsRuleEvent[]) {
          // A rule listening to both the event and a changed attribute still fires once.
          if (!hits.some((hit) => hit.ruleId === params.ruleId)) hits.push({ ...params });
        }
      }
    }
    if (first) {
      if (first.fallback || changed.length > 0) yield* collect(first);
      else for (const { params, predicate } of first.compiled) if (predicate(facts)) hits.push({ ...params });
    }
    for (const name of changed) yield* collect(groups.get(`attribute:${name}`));
    if (hits.length > 1) hits.sort((x, y) => (order.get(x.ruleId) ?? 0) - (order.get(y.ruleId) ?? 0));
    return hits;
  }

  function* routeSteps(sourceId: string, attributes: Record<string, FactValue>): Steps<CompiledRoute | undefined> {
    const facts = leadFacts(attributes);
    // Routes may go "by segment": the lead's segment is a routing fact.
    const segment = yield* segmentSteps(attributes);
    if (segment !== undefined) facts['derived.segment'] = segment;
    for (const choice of routingBySource.get(sourceId) ?? []) {
      if (!choice.matcher || (yield* wait(choice.matcher(facts)))) return choice.route;
    }
    return undefined;
  }

  return {
    segmentOf: (attributes) => settle(segmentSteps(attributes)),

    stats: {
      rules: model.rules.length,
      compiled: model.rules.length - fallbackRuleIds.size,
      fallback: fallbackRuleIds.size,
      fallbackRuleIds: [...fallbackRuleIds],
      fallbackPredictive,
    },

    predict: (attributes, at) => settle(predictSteps(attributes, at)),
    score: (event, context) => settle(scoreSteps(event, context)),
    route: (sourceId, attributes) => settle(routeSteps(sourceId, attributes)),
  };
}

/** `model` with the text values its conditions test on lead attributes read as lead facts are (normaliseConditionValues). */
function withNormalisedValues(model: CompiledModel): CompiledModel {
  const read = <C extends TopLevelCondition>(conditions: C): C => normaliseConditionValues(conditions, model.valueMaps);
  const routing = (choices: RoutingChoice[]) => choices.map((choice) => (choice.conditions ? { ...choice, conditions: read(choice.conditions) } : choice));
  return {
    ...model,
    rules: model.rules.map((rule) => ({ ...rule, conditions: read(rule.conditions) })),
    segments: model.segments.map((segment) => ({ ...segment, conditions: read(segment.conditions) })),
    thresholds: model.thresholds.map((threshold) => ({ ...threshold, routing: routing(threshold.routing) })),
    ...(model.grade && { grade: { ...model.grade, routing: routing(model.grade.routing) } }),
    ...(model.predictive && {
      predictive: model.predictive.map((section) => ({ ...section, terms: section.terms.map((term) => (term.kind === 'when' ? { ...term, conditions: read(term.conditions) } : term)) })),
    }),
  };
}

/**
 * The flat facts a rule reads: `event.type`, `event.<property>`, `lead.<attribute>`, plus what
 * derived facts need. Flat names keep JSONPath off the hot path.
 */
export function toFacts(event: LeadEvent, context: ScoringContext): Record<string, unknown> {
  const facts: Record<string, unknown> = {
    'event.type': event.type,
    'event.occurredAt': event.occurredAt,
    changedAttributes: context.changedAttributes,
    history: context.history,
    lastActivityAt: context.lastActivityAt,
  };
  const { properties } = event;
  for (const key in properties) facts[`event.${key}`] = properties[key];
  const { attributes } = context;
  for (const key in attributes) facts[`lead.${key}`] = attributes[key];
  return facts;
}

interface PredictiveEvaluator {
  section: CompiledPredictive;
  /** For each term, whether its condition holds ('linear' terms: unused). */
  holds(facts: Record<string, unknown>): MaybePromise<boolean[]>;
  fallback: boolean;
}

/**
 * Evaluates a predictive score's conditions as compiled closures, or — when one is outside the
 * compiled subset, or json-rules-engine is asked for — with one engine holding a rule per term,
 * run once per lead.
 */
function predictiveEvaluator(section: CompiledPredictive, compile: (conditions: TopLevelCondition) => Predicate | undefined): PredictiveEvaluator {
  const predicates = section.terms.map((term) => (term.kind === 'when' ? compile(term.conditions) : undefined));
  const fallback = section.terms.some((term, i) => term.kind === 'when' && !predicates[i]);
  if (!fallback) return { section, fallback, holds: (facts) => predicates.map((predicate) => (predicate ? predicate(facts) : false)) };
  const engine = newEngine();
  section.terms.forEach((term, index) => {
    if (term.kind === 'when') engine.addRule({ name: String(index), priority: 1, conditions: term.conditions, event: { type: 'term', params: { index } } });
  });
  return {
    section,
    fallback,
    async holds(facts) {
      const holds = section.terms.map(() => false);
      for (const event of (await engine.run(facts)).events) holds[(event.params as { index: number }).index] = true;
      return holds;
    },
  };
}

/** 100 · sigmoid(intercept + Σ contributions − baseline), summed in term order so both evaluators agree to the bit. */
function predictScore(section: CompiledPredictive, holds: readonly boolean[], facts: Record<string, unknown>): PredictedScore {
  let z = section.intercept;
  const terms: PredictedScore['terms'] = [];
  section.terms.forEach((term, index) => {
    const contribution = term.kind === 'when' ? (holds[index] ? term.weight : 0) : linearContribution(term, facts[term.fact]);
    if (contribution === 0) return;
    z += contribution;
    terms.push({ name: term.name, contribution });
  });
  terms.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  const probability = sigmoid(z);
  const value = section.baseline === undefined ? probability : sigmoid(z - section.baseline);
  return { score: section.score, value: Math.round(100 * value), probability, terms };
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function linearContribution(term: Extract<CompiledPredictiveTerm, { kind: 'linear' }>, value: unknown): number {
  // Attributes may arrive as text from a CRM sync ("12"); anything else that is not a number counts as missing.
  const x = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(x)) return 0;
  const clamped = Math.min(Math.max(x, term.lower ?? -Infinity), term.upper ?? Infinity);
  return (term.weight * (clamped - term.center)) / term.scale;
}

function leadFacts(attributes: Record<string, FactValue>): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) facts[`lead.${key}`] = value;
  return facts;
}

/** A json-rules-engine `Engine` with our operators and derived facts, and no rules yet. */
export function newEngine(): Engine {
  // Missing facts are normal (an event without a `url`): the condition is simply false.
  const engine = new Engine([], { allowUndefinedFacts: true });
  addOperators(engine);
  for (const [id, derive] of Object.entries(DERIVED_FACTS)) {
    engine.addFact(id, async (params: Record<string, unknown>, almanac: Almanac) => derive(params ?? {}, await derivedInputs(almanac, params ?? {})));
  }
  return engine;
}

/** The flat facts derived facts read, fetched from json-rules-engine's almanac. */
async function derivedInputs(almanac: Almanac, params: Record<string, unknown>): Promise<DerivedInputs> {
  const read = (fact: string) => almanac.factValue(fact).catch(() => undefined);
  const inputs: DerivedInputs = {
    'event.type': await read('event.type'),
    'event.url': await read('event.url'),
    'event.occurredAt': await read('event.occurredAt'),
    history: await read('history'),
    lastActivityAt: await read('lastActivityAt'),
  };
  if (typeof params.of === 'string') inputs[params.of] = await read(params.of);
  return inputs;
}

/** A compiled predicate (a plain answer), or an engine's run (a promise). */
type Matcher = (facts: Record<string, unknown>) => MaybePromise<boolean>;

/** A reusable test of one condition tree: an engine holding a single rule, built once. */
function matcherFor(conditions: TopLevelCondition): Matcher {
  const engine = newEngine();
  engine.addRule({ conditions, event: { type: 'match' } });
  return async (facts) => (await engine.run(facts)).events.length > 0;
}

function toRuleProperties(rule: CompiledModel['rules'][number]): RuleProperties {
  return { name: rule.id, priority: rule.priority, conditions: rule.conditions, event: rule.event };
}
