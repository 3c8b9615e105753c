/**
 * Compiles the json-rules-engine conditions our compiler emits into plain closures: the same
 * semantics as json-rules-engine 7 (its built-in operators with their fact-type checks, our
 * custom operators, undefined facts allowed), without promises, cloning or an almanac.
 *
 * json-rules-engine stays the definition and the reference: a differential test holds the two
 * to the same results, and a condition outside this subset (operator decorators, fact-valued
 * right-hand sides, JSONPath, shared condition references, unknown operators) is not compiled
 * — `compileCondition` returns undefined and the caller runs that rule on json-rules-engine.
 */
import type { NestedCondition, TopLevelCondition } from 'json-rules-engine';
import { DERIVED_FACTS, type DerivedInputs } from './derived-facts';
import { OPERATOR_FUNCTIONS } from './operators';

/** The flat facts of one evaluation (engine/score-event.ts `toFacts`). */
export type Facts = DerivedInputs;
export type Predicate = (facts: Facts) => boolean;
export type OperatorFunction = (factValue: unknown, ruleValue: unknown) => boolean;

const numeric = (value: unknown) => Number.parseFloat(value as string).toString() !== 'NaN';

/** json-rules-engine 7's default operators, each behind its fact-value check, as it applies them. */
export const JSON_RULES_ENGINE_OPERATORS: Record<string, OperatorFunction> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => (b as unknown[]).indexOf(a) > -1,
  notIn: (a, b) => (b as unknown[]).indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => numeric(a) && (a as number) < (b as number),
  lessThanInclusive: (a, b) => numeric(a) && (a as number) <= (b as number),
  greaterThan: (a, b) => numeric(a) && (a as number) > (b as number),
  greaterThanInclusive: (a, b) => numeric(a) && (a as number) >= (b as number),
};

/** Every operator the compiled evaluator knows: json-rules-engine's and ours. */
export const COMPILED_OPERATORS: Record<string, OperatorFunction> = { ...JSON_RULES_ENGINE_OPERATORS, ...OPERATOR_FUNCTIONS };

/**
 * A predicate for `condition`, or undefined when it is outside the compiled subset.
 * @param operators - the operator implementations (tests swap one to prove the differential test catches it).
 */
export function compileCondition(condition: TopLevelCondition | NestedCondition, operators: Record<string, OperatorFunction> = COMPILED_OPERATORS): Predicate | undefined {
  const c = condition as Record<string, unknown>;
  if (Array.isArray(c.all)) return group(c.all as NestedCondition[], operators, 'all');
  if (Array.isArray(c.any)) return group(c.any as NestedCondition[], operators, 'any');
  if (c.not !== undefined) {
    const inner = compileCondition(c.not as NestedCondition, operators);
    return inner && ((facts) => !inner(facts));
  }
  return leaf(c, operators);
}

function group(parts: NestedCondition[], operators: Record<string, OperatorFunction>, kind: 'all' | 'any'): Predicate | undefined {
  const predicates: Predicate[] = [];
  for (const part of parts) {
    const predicate = compileCondition(part, operators);
    if (!predicate) return undefined;
    predicates.push(predicate);
  }
  return kind === 'all' ? (facts) => predicates.every((p) => p(facts)) : (facts) => predicates.some((p) => p(facts));
}

function leaf(c: Record<string, unknown>, operators: Record<string, OperatorFunction>): Predicate | undefined {
  const { fact, operator, value, params, path, condition } = c;
  if (typeof fact !== 'string' || typeof operator !== 'string' || path !== undefined || condition !== undefined) return undefined;
  const evaluate = operators[operator];
  // json-rules-engine reads an object with a `fact` key as a reference to another fact.
  if (!evaluate || (typeof value === 'object' && value !== null && !Array.isArray(value))) return undefined;
  const derive = DERIVED_FACTS[fact];
  if (derive) {
    const args = (params ?? {}) as Record<string, unknown>;
    return (facts) => evaluate(derive(args, facts), value);
  }
  if (params !== undefined) return undefined;
  return (facts) => evaluate(facts[fact], value);
}
