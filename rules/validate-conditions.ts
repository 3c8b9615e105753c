/**
 * Checks of condition trees against the facts catalogue: known facts, operators that fit the
 * fact's type, values of the right type, safe patterns, parameters where a derived fact needs
 * them, and nesting depth.
 */
import { RE2JS } from 're2js';
import { FACTS_BY_ID, OPERATORS, type FactDefinition } from './facts-catalogue';
import { isGroup, LIMITS, type ConditionGroup, type ConditionLeaf } from './graph.schema';

/** Repetition counts above this make a pattern costly to compile (RE2 expands them). */
const MAX_REPEAT = 100;

export interface ConditionProblem {
  code: string;
  message: string;
}

/**
 * Problems of the conditions in `group`, each prefixed with where it is ("Condition 2.1").
 * With `leadOnly`, only lead attributes may be tested (segments and routing know no event).
 */
export function checkConditions(group: ConditionGroup, leadOnly: boolean): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  const visit = (conditions: ConditionGroup['conditions'], prefix: string, depth: number) => {
    if (depth > LIMITS.conditionDepth) {
      problems.push({ code: 'too_deep', message: `Conditions are nested more than ${LIMITS.conditionDepth} groups deep.` });
      return;
    }
    conditions.forEach((condition, index) => {
      const where = `Condition ${prefix}${index + 1}`;
      if (isGroup(condition)) visit(condition.conditions, `${prefix}${index + 1}.`, depth + 1);
      else problems.push(...checkLeaf(condition, where, leadOnly));
    });
  };
  visit(group.conditions, '', 1);
  return problems;
}

function checkLeaf(condition: ConditionLeaf, where: string, leadOnly: boolean): ConditionProblem[] {
  const fact = FACTS_BY_ID.get(condition.fact);
  if (!fact) return [{ code: 'unknown_fact', message: `${where} tests "${condition.fact}", which is not a known fact.` }];
  if (leadOnly && fact.source !== 'lead') {
    return [{ code: 'lead_fact_only', message: `${where} tests ${fact.label}; here only lead attributes can be tested, not events.` }];
  }
  const operator = OPERATORS[condition.operator];
  if (!(operator.facts as readonly string[]).includes(fact.type)) {
    return [{ code: 'operator_mismatch', message: `${where}: "${condition.operator}" does not apply to ${fact.label} (a ${fact.type}).` }];
  }
  if (fact.id === 'derived.eventCount' && !condition.params) {
    return [{ code: 'missing_params', message: `${where}: say which events to count (event type, optional URL prefix, days).` }];
  }
  if (condition.params && fact.id !== 'derived.eventCount') {
    return [{ code: 'unexpected_params', message: `${where}: ${fact.label} takes no event type or days.` }];
  }
  const valueProblem = checkValue(condition, fact, operator.value);
  return valueProblem ? [{ code: 'value_type', message: `${where}: ${valueProblem}` }] : [];
}

function checkValue(condition: ConditionLeaf, fact: FactDefinition, kind: (typeof OPERATORS)[keyof typeof OPERATORS]['value']): string | undefined {
  const { value } = condition;
  switch (kind) {
    case 'list': {
      const itemType = fact.type === 'number' ? 'number' : 'string';
      if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== itemType)) {
        return `${fact.label} needs a non-empty list of ${itemType}s.`;
      }
      return undefined;
    }
    case 'same':
      return typeof value === fact.type ? undefined : `${fact.label} needs a ${fact.type}.`;
    case 'string':
      return typeof value === 'string' && value.length > 0 ? undefined : 'needs some text.';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'needs true or false.';
    case 'number':
      return typeof value === 'number' && value >= 0 ? undefined : 'needs a number of days (0 or more).';
    case 'pattern':
      return typeof value === 'string' ? checkPattern(value) : 'needs a pattern (text).';
  }
}

/** A pattern must be short, parse as RE2 syntax, and avoid huge repetition counts. */
export function checkPattern(pattern: string): string | undefined {
  if (pattern.length === 0) return 'needs a pattern.';
  if (pattern.length > LIMITS.patternLength) return `the pattern is longer than ${LIMITS.patternLength} characters.`;
  const repeats = [...pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)].flatMap((m) => [Number(m[1]), Number(m[2] || 0)]);
  if (repeats.some((count) => count > MAX_REPEAT)) return `the pattern repeats something more than ${MAX_REPEAT} times.`;
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return `the pattern is not valid: ${(err as Error).message}.`;
  }
}
