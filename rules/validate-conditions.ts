/**
 * Checks of condition trees against the facts catalogue: known facts, operators that fit the
 * fact's type, values of the right type, safe patterns, parameters where a derived fact needs
 * them, and nesting depth.
 */
import { RE2JS } from 're2js';
import { FACTS_BY_ID, OPERATORS, type FactDefinition } from './facts-catalogue';
import { isGroup, LIMITS, type ConditionGroup, type ConditionLeaf } from './graph.schema';
import { operatorLabel } from './operator-words';

/** Repetition counts above this make a pattern costly to compile (RE2 expands them). */
const MAX_REPEAT = 100;

export interface ConditionProblem {
  code: string;
  message: string;
  /** Where in the owner of the conditions, e.g. `['conditions', 1, 'conditions', 0, 'operator']`. */
  path: Array<string | number>;
}

/**
 * Problems of the conditions in `group`, each prefixed with where it is ("Condition 2.1").
 * Scoring sees the event and derived facts; routing sees lead attributes and the lead's segment;
 * segments see lead attributes only.
 * @param declared - lead attributes the model declares beyond the catalogue, by fact id (`lead.<id>`).
 */
export function checkConditions(group: ConditionGroup, scope: Scope, declared?: ReadonlyMap<string, FactDefinition>): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  const visit = (conditions: ConditionGroup['conditions'], prefix: string, depth: number, path: Array<string | number>) => {
    if (depth > LIMITS.conditionDepth) {
      problems.push({ code: 'too_deep', message: `Conditions are nested more than ${LIMITS.conditionDepth} groups deep.`, path });
      return;
    }
    conditions.forEach((condition, index) => {
      const where = `Condition ${prefix}${index + 1}`;
      const at = [...path, 'conditions', index];
      if (isGroup(condition)) visit(condition.conditions, `${prefix}${index + 1}.`, depth + 1, at);
      else problems.push(...checkLeaf(condition, where, scope, declared).map(({ field, ...problem }) => ({ ...problem, path: [...at, field] })));
    });
  };
  visit(group.conditions, '', 1, []);
  return problems;
}

export type Scope = 'scoring' | 'routing' | 'segment';

type LeafProblem = Omit<ConditionProblem, 'path'> & { field: 'fact' | 'operator' | 'value' };

function checkLeaf(condition: ConditionLeaf, where: string, scope: Scope, declared?: ReadonlyMap<string, FactDefinition>): LeafProblem[] {
  const fact = FACTS_BY_ID.get(condition.fact) ?? declared?.get(condition.fact);
  if (!fact) return [{ field: 'fact', code: 'unknown_fact', message: `${where} tests "${condition.fact}", which is not a known fact.` }];
  const routingFact = fact.source === 'lead' || (scope === 'routing' && fact.id === 'derived.segment');
  if (scope !== 'scoring' && !routingFact) {
    return [{ field: 'fact', code: 'lead_fact_only', message: `${where} tests ${fact.label}; here only lead attributes can be tested, not events.` }];
  }
  if (scope === 'scoring' && fact.id === 'derived.segment') {
    return [{ field: 'fact', code: 'routing_fact_only', message: `${where}: the segment can be tested on routing paths only.` }];
  }
  const operator = OPERATORS[condition.operator];
  if (!(operator.facts as readonly string[]).includes(fact.type)) {
    return [{ field: 'operator', code: 'operator_mismatch', message: `${where}: "${operatorLabel(condition.operator)}" does not apply to ${fact.label} (a ${fact.type}).` }];
  }
  if (fact.id === 'derived.eventCount' && !condition.params) {
    return [{ field: 'fact', code: 'missing_params', message: `${where}: say which events to count (event type, optional URL prefix, days).` }];
  }
  if (condition.params && fact.id !== 'derived.eventCount') {
    return [{ field: 'fact', code: 'unexpected_params', message: `${where}: ${fact.label} takes no event type or days.` }];
  }
  const valueProblem = checkValue(condition, fact, operator.value);
  return valueProblem ? [{ field: 'value', code: 'value_type', message: `${where}: ${valueProblem}` }] : [];
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
  if (hasNestedQuantifier(pattern)) {
    return 'the pattern repeats a repetition, like (a+)+; that is the shape of a pathological pattern, so simplify it.';
  }
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return `the pattern is not valid: ${(err as Error).message}.`;
  }
}

/**
 * True when a repeated group contains a repetition itself ("(a+)+", "(x*y)*"): the classic
 * catastrophic-backtracking shape. RE2 would still match it in linear time, but such a pattern
 * is almost always a mistake, and it must stay portable to engines that backtrack.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(') groups.push(false);
    else if (char === ')') {
      const quantifiedInside = groups.pop() ?? false;
      const next = pattern[i + 1];
      const quantified = next === '*' || next === '+' || next === '{';
      if (quantified && quantifiedInside) return true;
      if (groups.length > 0 && (quantified || quantifiedInside)) groups[groups.length - 1] = true;
    } else if ((char === '*' || char === '+' || char === '{') && groups.length > 0) groups[groups.length - 1] = true;
  }
  return false;
}
