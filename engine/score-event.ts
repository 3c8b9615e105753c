/**
 * Scoring one event of one lead with json-rules-engine.
 *
 * `createScorer` builds the engines for a compiled model once; `score` then runs per event.
 * Rules are indexed by trigger: an event only meets the rules that its type can fire.
 */
import { Engine, type RuleProperties } from 'json-rules-engine';
import type { CompiledModel, LeadEvent, PointsRuleEvent, RuleHit } from './types';

export interface Scorer {
  /** Rules that fire for `event`, in rule order; an event no rule listens to gives []. */
  score(event: LeadEvent, attributes?: LeadEvent['attributes']): Promise<RuleHit[]>;
}

/**
 * Builds a scorer for one compiled model version. Build it once per version and reuse it:
 * building engines is far costlier than running them.
 */
export function createScorer(model: CompiledModel): Scorer {
  const enginesByTrigger = new Map<string, Engine>();
  for (const rule of model.rules) {
    for (const trigger of rule.triggers) {
      let engine = enginesByTrigger.get(trigger);
      if (!engine) {
        // Missing facts are normal (an event without a `url`): the condition is simply false.
        engine = new Engine([], { allowUndefinedFacts: true });
        addOperators(engine);
        enginesByTrigger.set(trigger, engine);
      }
      engine.addRule(toRuleProperties(rule));
    }
  }
  const order = new Map(model.rules.map((rule, index) => [rule.id, index]));

  return {
    async score(event, attributes = event.attributes) {
      const engine = enginesByTrigger.get(event.type);
      if (!engine) return [];
      const { events } = await engine.run(toFacts(event, attributes));
      return events
        .map((fired) => (fired as PointsRuleEvent).params)
        .sort((a, b) => (order.get(a.ruleId) ?? 0) - (order.get(b.ruleId) ?? 0))
        .map(({ ruleId, ruleName, score, points }) => ({ ruleId, ruleName, score, points }));
    },
  };
}

/**
 * The flat facts a rule reads: `event.type`, `event.<property>` and `lead.<attribute>`.
 * Flat names keep JSONPath off the hot path.
 */
export function toFacts(event: LeadEvent, attributes: LeadEvent['attributes'] = {}): Record<string, unknown> {
  const facts: Record<string, unknown> = { 'event.type': event.type, 'event.occurredAt': event.occurredAt };
  for (const [key, value] of Object.entries(event.properties)) facts[`event.${key}`] = value;
  for (const [key, value] of Object.entries(attributes ?? {})) facts[`lead.${key}`] = value;
  return facts;
}

/** Operators beyond json-rules-engine's own that compiled rules may use. */
export const CUSTOM_OPERATORS = ['startsWith'] as const;

function addOperators(engine: Engine): void {
  engine.addOperator('startsWith', (factValue: unknown, prefix: unknown) =>
    typeof factValue === 'string' && typeof prefix === 'string' && factValue.startsWith(prefix),
  );
}

function toRuleProperties(rule: CompiledRule): RuleProperties {
  return { name: rule.id, priority: rule.priority, conditions: rule.conditions, event: rule.event };
}

type CompiledRule = CompiledModel['rules'][number];
