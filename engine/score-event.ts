/**
 * Scoring one event of one lead with json-rules-engine, and the other decisions that read lead
 * facts through the model's conditions: which segment a lead is in, and which route it takes.
 *
 * `createScorer` builds the engines for a compiled model once; reuse it for every event of that
 * model version. Rules are indexed by trigger: an event only meets the rules its type (or the
 * attributes it changed) can fire.
 */
import { Almanac, Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import { addOperators } from './operators';
import type {
  CompiledModel,
  CompiledRoute,
  FactValue,
  HistoryEntry,
  LeadEvent,
  PointsRuleEvent,
  RoutingChoice,
  RuleHit,
  ScoringContext,
} from './types';

const DAY_MS = 86_400_000;

export interface Scorer {
  /** Rules that fire for `event`, in model order, each with its reason; [] when none listens. */
  score(event: LeadEvent, context: ScoringContext): Promise<RuleHit[]>;
  /** The first of the model's segments whose conditions the lead's attributes meet. */
  segmentOf(attributes: Record<string, FactValue>): Promise<string | undefined>;
  /**
   * Where a lead that qualified through `sourceId` (a threshold or the grade) goes: the first of
   * that source's routing choices whose conditions the lead meets; undefined if none does.
   */
  route(sourceId: string, attributes: Record<string, FactValue>): Promise<CompiledRoute | undefined>;
}

/**
 * Builds a scorer for one compiled model version. Building engines costs far more than running
 * them: build once per version and reuse.
 */
export function createScorer(model: CompiledModel): Scorer {
  const enginesByTrigger = new Map<string, Engine>();
  for (const rule of model.rules) {
    for (const trigger of rule.triggers) {
      let engine = enginesByTrigger.get(trigger);
      if (!engine) {
        engine = newEngine();
        enginesByTrigger.set(trigger, engine);
      }
      engine.addRule(toRuleProperties(rule));
    }
  }
  const order = new Map(model.rules.map((rule, index) => [rule.id, index]));
  const segments = model.segments.map((segment) => ({ id: segment.id, matcher: matcherFor(segment.conditions) }));
  const routes = new Map(model.routes.map((route) => [route.id, route]));
  const routingBySource = new Map<string, Array<{ route?: CompiledRoute; matcher?: Matcher }>>();
  for (const source of [...model.thresholds, ...(model.grade ? [model.grade] : [])]) {
    routingBySource.set(
      source.id,
      source.routing.map((choice: RoutingChoice) => ({
        route: routes.get(choice.routeId),
        matcher: choice.conditions ? matcherFor(choice.conditions) : undefined,
      })),
    );
  }

  const segmentOf = async (attributes: Record<string, FactValue>) => {
    const facts = leadFacts(attributes);
    for (const segment of segments) if (await segment.matcher(facts)) return segment.id;
    return undefined;
  };

  return {
    segmentOf,

    async score(event, context) {
      const keys = [`event:${event.type}`, ...context.changedAttributes.map((name) => `attribute:${name}`)];
      const engines = [...new Set(keys.map((key) => enginesByTrigger.get(key)).filter((e): e is Engine => e !== undefined))];
      if (engines.length === 0) return [];
      const facts = toFacts(event, context);
      const fired = new Map<string, RuleHit>();
      for (const engine of engines) {
        const { events } = await engine.run(facts);
        // A rule listening to both the event and a changed attribute still fires once.
        for (const { params } of events as PointsRuleEvent[]) fired.set(params.ruleId, { ...params });
      }
      return [...fired.values()].sort((a, b) => (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0));
    },

    async route(sourceId, attributes) {
      const facts = leadFacts(attributes);
      // Routes may go "by segment": the lead's segment is a routing fact.
      const segment = await segmentOf(attributes);
      if (segment !== undefined) facts['derived.segment'] = segment;
      for (const choice of routingBySource.get(sourceId) ?? []) {
        if (!choice.matcher || (await choice.matcher(facts))) return choice.route;
      }
      return undefined;
    },
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
  for (const [key, value] of Object.entries(event.properties)) facts[`event.${key}`] = value;
  Object.assign(facts, leadFacts(context.attributes));
  return facts;
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
  engine.addFact('derived.eventCount', eventCount);
  engine.addFact('derived.daysSinceLastActivity', daysSinceLastActivity);
  engine.addFact('derived.daysSince', daysSince);
  return engine;
}

/** Events of a type (and URL prefix) within the last `days` days of this event, this one included. */
async function eventCount(params: Record<string, unknown>, almanac: Almanac): Promise<number> {
  const now = Date.parse((await almanac.factValue('event.occurredAt')) as string);
  const history = ((await almanac.factValue('history')) ?? []) as HistoryEntry[];
  const current: HistoryEntry = {
    type: (await almanac.factValue('event.type')) as string,
    url: (await almanac.factValue('event.url').catch(() => undefined)) as string | undefined,
    occurredAt: new Date(now).toISOString(),
  };
  const since = now - Number(params.days) * DAY_MS;
  const prefix = typeof params.urlPrefix === 'string' ? params.urlPrefix.toLowerCase() : undefined;
  return [...history, current].filter((entry) => {
    const at = Date.parse(entry.occurredAt);
    return (
      entry.type === params.eventType &&
      at > since &&
      at <= now &&
      (prefix === undefined || (entry.url ?? '').toLowerCase().startsWith(prefix))
    );
  }).length;
}

async function daysSinceLastActivity(_params: unknown, almanac: Almanac): Promise<number | undefined> {
  const last = (await almanac.factValue('lastActivityAt')) as string | null;
  if (!last) return undefined;
  return (Date.parse((await almanac.factValue('event.occurredAt')) as string) - Date.parse(last)) / DAY_MS;
}

/** Days from the date fact `params.of` to this event; the compiler's form of "within N days". */
async function daysSince(params: Record<string, unknown>, almanac: Almanac): Promise<number | undefined> {
  const value = await almanac.factValue(String(params.of)).catch(() => undefined);
  const then = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(then)) return undefined;
  const days = (Date.parse((await almanac.factValue('event.occurredAt')) as string) - then) / DAY_MS;
  return days >= 0 ? days : undefined;
}

type Matcher = (facts: Record<string, unknown>) => Promise<boolean>;

/** A reusable test of one condition tree: an engine holding a single rule, built once. */
function matcherFor(conditions: TopLevelCondition): Matcher {
  const engine = newEngine();
  engine.addRule({ conditions, event: { type: 'match' } });
  return async (facts) => (await engine.run(facts)).events.length > 0;
}

function toRuleProperties(rule: CompiledModel['rules'][number]): RuleProperties {
  return { name: rule.id, priority: rule.priority, conditions: rule.conditions, event: rule.event };
}
