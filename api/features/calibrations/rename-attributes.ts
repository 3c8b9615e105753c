/**
 * The user's choice of lead attribute for a column, applied to a proposed model: calibration
 * names each column as the CSV import would (`Lead Source` → `leadSource`), but a CRM may sync
 * the same field under another name, and then the model must test that one. Renaming is a
 * one-to-one change of fact names, so the backtest's figures stand as they are.
 */
import { FACTS_BY_ID } from '../../../rules/facts-catalogue';
import { LIMITS, type RuleGraphInput } from '../../../rules/graph.schema';
import type { ColumnKind } from '../../../engine/calibration/dataset';
import { attributeType, HOLDS, type ColumnMapping } from '../../../rules/calibration/map-columns';

/**
 * Why `attribute` cannot hold `kind` values, or undefined when it can: a catalogue attribute
 * keeps its own type; any other name is declared by the model with the column's type.
 */
export function attributeProblem(attribute: string, kind: ColumnKind): string | undefined {
  const known = FACTS_BY_ID.get(`lead.${attribute}`);
  if (!known) return undefined;
  if (known.type === attributeType(kind)) return undefined;
  return `"${attribute}" is a ${known.type} attribute of the facts catalogue, but the column is read as ${HOLDS[kind]}`;
}

/**
 * Renames the attributes of `mappings` as `names` (column → attribute) says, in the mappings and
 * everywhere the graph tests them: triggers, conditions, predictive terms, and the attributes
 * the model declares (a catalogue name needs no declaration; a new name does).
 * @throws Error when two columns would share an attribute or a catalogue attribute's type does
 *   not fit (the API checks both before a calibration starts).
 */
export function renameAttributes(
  graph: RuleGraphInput,
  mappings: readonly ColumnMapping[],
  names: ReadonlyMap<string, string>,
): { graph: RuleGraphInput; mappings: ColumnMapping[] } {
  const facts = new Map<string, string>();
  const renamed = mappings.map((mapping) => {
    const attribute = names.get(mapping.column);
    if (attribute === undefined || attribute === mapping.attribute) return mapping;
    const problem = attributeProblem(attribute, mapping.kind);
    if (problem) throw new Error(`renameAttributes: ${mapping.column}: ${problem}`);
    const fact = `lead.${attribute}`;
    facts.set(mapping.fact, fact);
    return { ...mapping, attribute, fact, declared: !FACTS_BY_ID.has(fact) };
  });
  const taken = new Map<string, string>();
  for (const mapping of renamed) {
    const other = taken.get(mapping.attribute);
    if (other !== undefined) throw new Error(`renameAttributes: ${other} and ${mapping.column} would both be "${mapping.attribute}"`);
    taken.set(mapping.attribute, mapping.column);
  }
  if (facts.size === 0) return { graph, mappings: renamed };

  const rewritten = rewriteFacts(graph, facts) as RuleGraphInput;
  const { attributes: _declared, ...rest } = rewritten;
  const tested = JSON.stringify(rest);
  // Declared: every attribute the rules test that the catalogue does not have, in column order.
  const declared = renamed
    .filter((mapping) => mapping.declared && tested.includes(JSON.stringify(mapping.fact)))
    .map((mapping) => ({ id: mapping.attribute, label: short(mapping.column), type: mapping.type }));
  return { graph: declared.length > 0 ? { ...rewritten, attributes: declared } : rest, mappings: renamed };
}

/** A copy of `value` with every fact name in `facts` replaced: `fact` fields and triggers' `attributes`. */
function rewriteFacts(value: unknown, facts: ReadonlyMap<string, string>, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => (key === 'attributes' && typeof item === 'string' ? (facts.get(item) ?? item) : rewriteFacts(item, facts)));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, item]) => [name, name === 'fact' && typeof item === 'string' ? (facts.get(item) ?? item) : rewriteFacts(item, facts, name)]),
  );
}

function short(text: string): string {
  return text.length <= LIMITS.text ? text : `${text.slice(0, LIMITS.text - 1)}…`;
}
