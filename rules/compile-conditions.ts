/**
 * Condition trees of a rule graph → json-rules-engine conditions, and into words for the
 * reasons a lead's ledger shows ("url starts with /pricing").
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

/** The condition in a marketer's words. */
export function describeCondition(condition: Condition): string {
  if (isGroup(condition)) {
    const parts = condition.conditions.map(describeCondition);
    if (parts.length === 1 && condition.match !== 'none') return parts[0] as string;
    if (condition.match === 'none') return `not (${parts.join(' or ')})`;
    return `(${parts.join(condition.match === 'all' ? ' and ' : ' or ')})`;
  }
  return describeLeaf(condition);
}

const OPERATOR_WORDS: Record<ConditionLeaf['operator'], string> = {
  equal: 'is',
  notEqual: 'is not',
  in: 'is one of',
  notIn: 'is none of',
  lessThan: '<',
  lessThanInclusive: '≤',
  greaterThan: '>',
  greaterThanInclusive: '≥',
  containsText: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  matchesPattern: 'matches',
  emailDomainIn: 'has its domain in',
  keyboardMash: 'looks keyboard-mashed',
  notCapitalised: 'is not capitalised',
  withinDays: 'is within days:',
  olderThanDays: 'is more than days ago:',
  isKnown: 'is known',
};

function describeLeaf({ fact, operator, value, params }: ConditionLeaf): string {
  const name = fact.replace(/^(lead|event|derived)\./, '');
  if (fact === 'derived.eventCount' && params) {
    const where = params.urlPrefix ? ` under ${params.urlPrefix}` : '';
    return `${params.eventType}${where} in ${params.days} days ${OPERATOR_WORDS[operator]} ${String(value)}`;
  }
  if (operator === 'keyboardMash' || operator === 'notCapitalised' || operator === 'isKnown') {
    return value === true ? `${name} ${OPERATOR_WORDS[operator]}` : `not: ${name} ${OPERATOR_WORDS[operator]}`;
  }
  if (operator === 'withinDays') return `${name} within ${String(value)} days`;
  if (operator === 'olderThanDays') return `${name} more than ${String(value)} days ago`;
  const shown = Array.isArray(value) ? value.join(', ') : String(value);
  return `${name} ${OPERATOR_WORDS[operator]} ${shown}`;
}

/** Leaf conditions in a tree; a graph's rule size is measured in these. */
export function countLeaves(condition: Condition): number {
  return isGroup(condition) ? condition.conditions.reduce((sum, c) => sum + countLeaves(c), 0) : 1;
}
