/**
 * The words a marketer reads for each operator of the facts catalogue, and a condition said as a
 * sentence ("Page URL starts with /pricing"). The editor's operator lists, node cards, issues and
 * version diff, and the reasons compiled into rules (a ledger's and a simulation's explanations),
 * read them from here, so an operator has one name wherever it is shown. Browser-safe.
 */
import { FACTS_BY_ID, OPERATORS, type FactDefinition, type OperatorId } from './facts-catalogue';
import { isGroup, type ConditionGroup, type ConditionLeaf } from './graph.schema';

export interface OperatorWords {
  /** The name in a list of operators: "starts with", "within the last … days". */
  label: string;
  /** The phrase with the value, `{value}` standing for it; a boolean operator's value says yes or no. */
  phrase: string;
  /** The phrase when a boolean operator's value is false ("is not filled in"). */
  negated?: string;
}

export const OPERATOR_WORDS: { readonly [K in OperatorId]: OperatorWords } = {
  equal: { label: 'is', phrase: 'is {value}' },
  notEqual: { label: 'is not', phrase: 'is not {value}' },
  in: { label: 'is one of', phrase: 'is one of {value}' },
  notIn: { label: 'is none of', phrase: 'is none of {value}' },
  lessThan: { label: 'less than', phrase: 'is less than {value}' },
  lessThanInclusive: { label: 'at most', phrase: 'is at most {value}' },
  greaterThan: { label: 'more than', phrase: 'is more than {value}' },
  greaterThanInclusive: { label: 'at least', phrase: 'is at least {value}' },
  containsText: { label: 'contains', phrase: 'contains {value}' },
  startsWith: { label: 'starts with', phrase: 'starts with {value}' },
  endsWith: { label: 'ends with', phrase: 'ends with {value}' },
  matchesPattern: { label: 'matches the pattern', phrase: 'matches the pattern {value}' },
  emailDomainIn: { label: 'email domain is one of', phrase: 'has an email domain among {value}' },
  keyboardMash: { label: 'looks like keyboard mashing', phrase: 'looks like keyboard mashing', negated: 'does not look like keyboard mashing' },
  notCapitalised: { label: 'is not capitalised', phrase: 'is not capitalised', negated: 'is capitalised' },
  withinDays: { label: 'within the last … days', phrase: 'is within the last {value} days' },
  olderThanDays: { label: 'more than … days ago', phrase: 'is more than {value} days ago' },
  isKnown: { label: 'is filled in', phrase: 'is filled in', negated: 'is not filled in' },
};

/** The name of `operator` in a list ("greaterThanInclusive" → "at least"); an unknown id is shown as it is. */
export function operatorLabel(operator: string): string {
  return operator in OPERATOR_WORDS ? OPERATOR_WORDS[operator as OperatorId].label : operator;
}

/**
 * A condition as a sentence: "Company size (employees) is at least 200", "Phone is filled in".
 * @param declared - facts the model declares beyond the catalogue (`lead.<id>` → definition).
 */
export function describeCondition(leaf: ConditionLeaf, declared?: ReadonlyMap<string, FactDefinition>): string {
  const fact = FACTS_BY_ID.get(leaf.fact) ?? declared?.get(leaf.fact);
  const { params } = leaf;
  const subject = params
    ? `Number of ${params.eventType.replace(/_/g, ' ')} events${params.urlPrefix ? ` on ${params.urlPrefix}…` : ''} in the last ${params.days} days`
    : fact
      ? shortLabel(fact.label)
      : leaf.fact.replace(/^(lead|event|derived)\./, '');
  const words = OPERATOR_WORDS[leaf.operator];
  if (OPERATORS[leaf.operator].value === 'boolean') return `${subject} ${leaf.value === false && words.negated ? words.negated : words.phrase}`;
  return `${subject} ${words.phrase.replace('{value}', sayValue(leaf.value))}`;
}

/**
 * A list of conditions as one sentence: "A and B", "A or B", "none of: A; B", groups in brackets.
 * @param declared - facts the model declares beyond the catalogue (`lead.<id>` → definition).
 */
export function describeConditions(group: ConditionGroup, declared?: ReadonlyMap<string, FactDefinition>): string {
  const said = group.conditions.map((condition) => (isGroup(condition) ? `(${describeConditions(condition, declared)})` : describeCondition(condition, declared)));
  if (group.match === 'none') return `none of: ${said.join('; ')}`;
  return said.join(group.match === 'all' ? ' and ' : ' or ');
}

/** A fact's label without its explanation in brackets: "Seniority (e.g. c_level…)" → "Seniority". */
export function shortLabel(label: string): string {
  return label.replace(/ \(.*\)$/, '');
}

function sayValue(value: ConditionLeaf['value']): string {
  if (Array.isArray(value)) return value.length === 0 ? '(nothing)' : value.map((item) => (typeof item === 'string' ? `"${item}"` : String(item))).join(', ');
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  return String(value);
}
