/**
 * Condition trees of a rule graph → json-rules-engine conditions. Their words (the reasons a
 * lead's ledger shows) come from operator-words.ts.
 */
import type { NestedCondition, TopLevelCondition } from 'json-rules-engine';
import { isGroup, type ConditionGroup, type ConditionLeaf } from './graph.schema';

type Condition = ConditionLeaf | ConditionGroup;

/** One condition (leaf or group) as json-rules-engine conditions. */
export function toEngineCondition(condition: Condition): NestedCondition {
  if (isGroup(condition)) return toEngineGroup(condition);
  const { fact, operator, value, params } = condition;
  // "within N days" and "more than N days ago" become a derived number of days (from the date to
  // the event being scored) compared with N, in json-rules-engine's terms.
  if (operator === 'withinDays') return { fact: 'derived.daysSince', params: { of: fact }, operator: 'lessThanInclusive', value };
  if (operator === 'olderThanDays') return { fact: 'derived.daysSince', params: { of: fact }, operator: 'greaterThan', value };
  return params ? { fact, operator, value, params } : { fact, operator, value };
}

/** A group (all / any / none) as a json-rules-engine top-level condition. */
export function toEngineGroup(group: ConditionGroup): TopLevelCondition {
  const parts = group.conditions.map(toEngineCondition);
  if (group.match === 'all') return { all: parts };
  if (group.match === 'any') return { any: parts };
  return { not: { any: parts } };
}

/** Leaf conditions in a tree; a graph's rule size is measured in these. */
export function countLeaves(condition: Condition): number {
  return isGroup(condition) ? condition.conditions.reduce((sum, c) => sum + countLeaves(c), 0) : 1;
}
