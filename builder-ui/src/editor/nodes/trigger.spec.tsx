import { EVENT_TYPES, FACTS, TRIGGER_ATTRIBUTES, type EventType } from '../../../../rules/facts-catalogue';
import { CheckboxGroup } from './fields';
import type { NodeSpecification } from './specification';

const EVENT_OPTIONS = EVENT_TYPES.map((type) => ({ value: type, label: type.replace(/_/g, ' ') }));
const ATTRIBUTE_OPTIONS = TRIGGER_ATTRIBUTES.map((id) => ({ value: id, label: FACTS.find((fact) => fact.id === id)?.label.replace(/ \(.*\)$/, '') ?? id }));

/** Where a scoring path starts: events of some types, or a lead attribute changing. */
export const triggerSpecification: NodeSpecification<'trigger'> = {
  kind: 'trigger',
  title: 'Trigger',
  help: 'Starts a scoring rule when an event arrives or a lead attribute changes.',
  colour: '#3b6fd8',
  create: () => ({ kind: 'trigger', label: 'New trigger', eventTypes: [], attributes: [] }),
  summary: (node) => `${node.label ?? node.id} · on ${[...node.eventTypes, ...node.attributes.map((a) => `${a.replace(/^lead\./, '')} change`)].join(', ') || 'nothing yet'}`,
  Inspector: ({ node, onChange, readOnly }) => (
    <>
      <CheckboxGroup<EventType>
        label="When one of these events arrives"
        testId="eventTypes"
        columns={2}
        values={node.eventTypes}
        options={EVENT_OPTIONS}
        disabled={readOnly}
        onChange={(eventTypes) => onChange({ ...node, eventTypes })}
      />
      <CheckboxGroup
        label="Or one of these lead attributes changes"
        testId="attributes"
        columns={2}
        values={node.attributes}
        options={ATTRIBUTE_OPTIONS}
        disabled={readOnly}
        onChange={(attributes) => onChange({ ...node, attributes })}
      />
    </>
  ),
};
