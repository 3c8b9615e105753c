import { isGroup } from '../../../../rules/graph.schema';
import { describeConditions } from '../../../../rules/operator-words';
import { ConditionsEditor, MATCH_OPTIONS } from './conditions-editor';
import { SelectField } from './fields';
import type { NodeSpecification } from './specification';

const MATCH_WORDS = { all: 'all of', any: 'any of', none: 'none of' } as const;

/** A filter on a path: the rule goes on only when these conditions hold. */
export const conditionSpecification: NodeSpecification<'condition'> = {
  kind: 'condition',
  title: 'Condition',
  help: 'Lets a rule go on only when the event or the lead matches these conditions.',
  colour: '#c99a06',
  create: () => ({ kind: 'condition', label: 'New condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'startsWith', value: '' }] }),
  summary: (node) => {
    // One or two conditions are said in full; more are too long for a card, so they are counted.
    if (node.conditions.length <= 2 && !node.conditions.some(isGroup)) return `${node.label ?? node.id} · ${describeConditions(node)}`;
    return `${node.label ?? node.id} · ${MATCH_WORDS[node.match]} ${node.conditions.length} condition${node.conditions.length === 1 ? '' : 's'}`;
  },
  Inspector: ({ node, onChange, context, readOnly }) => (
    <>
      <SelectField label="Match" testId="match" value={node.match} options={MATCH_OPTIONS} disabled={readOnly} onChange={(match) => onChange({ ...node, match })} />
      <ConditionsEditor conditions={node.conditions} events={context.events} testId="conditions" readOnly={readOnly} onChange={(conditions) => onChange({ ...node, conditions })} />
    </>
  ),
};
