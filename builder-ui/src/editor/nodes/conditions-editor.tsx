/**
 * Edits a list of conditions (leaves and nested all / any / none groups) against the facts
 * catalogue: facts grouped by where they come from, only the operators that apply to the chosen
 * fact's type, and a value control that fits the operator.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { EVENT_PROPERTIES, EVENT_TYPES, FACTS, FACTS_BY_ID, OPERATORS, type EventType, type FactDefinition, type OperatorId } from '../../../../rules/facts-catalogue';
import { isGroup, LIMITS, type ConditionGroup, type ConditionLeaf } from '../../../../rules/graph.schema';
import { operatorLabel } from '../../../../rules/operator-words';
import { useFieldProblem } from './field-issues';
import { NumberField, SelectField, TextField, type Option } from './fields';

type Condition = ConditionLeaf | ConditionGroup;
type Match = ConditionGroup['match'];

export const MATCH_OPTIONS: ReadonlyArray<Option<Match>> = [
  { value: 'all', label: 'All of these hold' },
  { value: 'any', label: 'Any of these holds' },
  { value: 'none', label: 'None of these holds' },
];

const SOURCE_TITLES: Record<FactDefinition['source'], string> = { lead: 'Lead attributes', event: 'The event', derived: 'Derived' };

export interface ConditionsEditorProps {
  conditions: readonly Condition[];
  onChange: (conditions: Condition[]) => void;
  /** Segments test lead attributes only; nodes may test anything the catalogue has. */
  leadOnly?: boolean;
  /** The event types of the triggers before these conditions: their properties are offered first. */
  events?: readonly EventType[];
  testId: string;
  readOnly?: boolean;
  depth?: number;
}

export function ConditionsEditor({ conditions, onChange, leadOnly, events, testId, readOnly, depth = 1 }: ConditionsEditorProps) {
  const facts = useMemo(() => (leadOnly ? FACTS.filter((fact) => fact.source === 'lead') : FACTS), [leadOnly]);
  const factOptions = useMemo(() => factChoices(facts, events), [facts, events]);
  const replace = (index: number, next: Condition) => onChange(conditions.map((c, i) => (i === index ? next : c)));
  const remove = (index: number) => onChange(conditions.filter((_, i) => i !== index));
  const firstFact = facts[0] as FactDefinition;

  return (
    <div className="lf-conditions" data-testid={`field-${testId}`}>
      {conditions.map((condition, index) => {
        const rowId = `${testId}-${index}`;
        return (
          <div key={index} className={isGroup(condition) ? 'lf-condition-group' : 'lf-condition'}>
            <div className="lf-condition-head">
              <strong>Condition {index + 1}</strong>
              {!readOnly && (
                <button type="button" className="lf-link" data-testid={`field-${rowId}-remove`} aria-label={`Remove condition ${index + 1}`} onClick={() => remove(index)}>
                  Remove
                </button>
              )}
            </div>
            {isGroup(condition) ? (
              <>
                <SelectField label="Group" testId={`${rowId}-match`} value={condition.match} options={MATCH_OPTIONS} disabled={readOnly} onChange={(match) => replace(index, { ...condition, match })} />
                <ConditionsEditor
                  conditions={condition.conditions}
                  onChange={(inner) => replace(index, { ...condition, conditions: inner })}
                  leadOnly={leadOnly}
                  events={events}
                  testId={`${rowId}-conditions`}
                  readOnly={readOnly}
                  depth={depth + 1}
                />
              </>
            ) : (
              <LeafEditor leaf={condition} factOptions={factOptions} testId={rowId} readOnly={readOnly} onChange={(leaf) => replace(index, leaf)} />
            )}
          </div>
        );
      })}
      {!readOnly && (
        <div className="lf-row">
          <button type="button" data-testid={`field-${testId}-add`} disabled={conditions.length >= LIMITS.conditionsPerGroup} onClick={() => onChange([...conditions, newLeaf(firstFact)])}>
            Add condition
          </button>
          {depth < LIMITS.conditionDepth && (
            <button
              type="button"
              data-testid={`field-${testId}-add-group`}
              disabled={conditions.length >= LIMITS.conditionsPerGroup}
              onClick={() => onChange([...conditions, { match: 'any', conditions: [newLeaf(firstFact)] }])}
            >
              Add group
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * The facts to choose from, grouped: after triggers on some event types, the properties those
 * events carry come first ("Sent with page view events"), the other event properties after them.
 */
export function factChoices(facts: readonly FactDefinition[], events: readonly EventType[] = []): Array<Option<string>> {
  const sent = new Set(events.flatMap((type) => [...EVENT_PROPERTIES[type], 'event.occurredAt']));
  const sentTitle = `Sent with ${events.map((type) => type.replace(/_/g, ' ')).join(', ')} events`;
  const groupOf = (fact: FactDefinition) => (fact.source !== 'event' || events.length === 0 ? SOURCE_TITLES[fact.source] : sent.has(fact.id) ? sentTitle : 'Other event properties');
  const order = [SOURCE_TITLES.lead, sentTitle, SOURCE_TITLES.event, 'Other event properties', SOURCE_TITLES.derived];
  return facts
    .map((fact) => ({ value: fact.id, label: fact.label, group: groupOf(fact) }))
    .sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
}

function LeafEditor({ leaf, factOptions, testId, readOnly, onChange }: { leaf: ConditionLeaf; factOptions: ReadonlyArray<Option<string>>; testId: string; readOnly?: boolean; onChange: (leaf: ConditionLeaf) => void }) {
  const fact = FACTS_BY_ID.get(leaf.fact);
  const operators = operatorsFor(fact);

  const changeFact = (id: string) => {
    const next = FACTS_BY_ID.get(id);
    if (!next) return;
    const allowed = operatorsFor(next);
    const operator = allowed.includes(leaf.operator) ? leaf.operator : (allowed[0] as OperatorId);
    const { params: _params, ...rest } = leaf;
    onChange({
      ...rest,
      fact: id,
      operator,
      value: coerceValue(leaf.value, operator, next),
      ...(id === 'derived.eventCount' && { params: leaf.params ?? { eventType: 'page_view', days: 30 } }),
    });
  };

  return (
    <>
      <SelectField label="Fact" testId={`${testId}-fact`} value={leaf.fact} options={factOptions} disabled={readOnly} onChange={changeFact} />
      {leaf.params && (
        <div className="lf-grid-3">
          <SelectField
            label="Event type"
            testId={`${testId}-params-eventType`}
            value={leaf.params.eventType}
            options={EVENT_TYPES.map((type) => ({ value: type, label: type }))}
            disabled={readOnly}
            onChange={(eventType) => onChange({ ...leaf, params: { ...leaf.params!, eventType } })}
          />
          <TextField
            label="URL starts with"
            testId={`${testId}-params-urlPrefix`}
            value={leaf.params.urlPrefix}
            optional
            disabled={readOnly}
            onChange={(urlPrefix) => {
              const { urlPrefix: _old, ...params } = leaf.params!;
              onChange({ ...leaf, params: urlPrefix === undefined ? params : { ...params, urlPrefix } });
            }}
          />
          <NumberField label="In the last days" testId={`${testId}-params-days`} value={leaf.params.days} integer min={1} max={365} disabled={readOnly} onChange={(days) => days !== undefined && onChange({ ...leaf, params: { ...leaf.params!, days } })} />
        </div>
      )}
      <SelectField
        label="Operator"
        testId={`${testId}-operator`}
        value={leaf.operator}
        options={operators.map((op) => ({ value: op, label: operatorLabel(op) }))}
        disabled={readOnly}
        onChange={(operator) => onChange({ ...leaf, operator, value: coerceValue(leaf.value, operator, fact) })}
      />
      <ValueEditor leaf={leaf} fact={fact} testId={`${testId}-value`} readOnly={readOnly} onChange={(value) => onChange({ ...leaf, value })} />
    </>
  );
}

function ValueEditor({ leaf, fact, testId, readOnly, onChange }: { leaf: ConditionLeaf; fact: FactDefinition | undefined; testId: string; readOnly?: boolean; onChange: (value: ConditionLeaf['value']) => void }) {
  const kind = OPERATORS[leaf.operator].value;
  const type = fact?.type ?? 'string';
  if (kind === 'list') return <ListField value={leaf.value} numbers={type === 'number'} testId={testId} readOnly={readOnly} onChange={onChange} />;
  if (kind === 'boolean' || (kind === 'same' && type === 'boolean')) {
    return (
      <SelectField
        label="Value"
        testId={testId}
        value={leaf.value === false ? 'false' : 'true'}
        options={[
          { value: 'true', label: 'true (yes)' },
          { value: 'false', label: 'false (no)' },
        ]}
        disabled={readOnly}
        onChange={(value) => onChange(value === 'true')}
      />
    );
  }
  if (kind === 'number' || (kind === 'same' && type === 'number')) {
    return (
      <NumberField
        label={kind === 'number' ? 'Days' : 'Value'}
        testId={testId}
        value={typeof leaf.value === 'number' ? leaf.value : undefined}
        disabled={readOnly}
        onChange={(value) => value !== undefined && onChange(value)}
      />
    );
  }
  return (
    <TextField
      label={kind === 'pattern' ? 'Pattern (RE2)' : 'Value'}
      testId={testId}
      value={typeof leaf.value === 'string' ? leaf.value : String(leaf.value)}
      disabled={readOnly}
      onChange={(value) => onChange(value ?? '')}
    />
  );
}

/** A comma-separated list, kept as typed until the next change from elsewhere. */
export function ListField({ value, numbers, testId, readOnly, onChange }: { value: ConditionLeaf['value']; numbers: boolean; testId: string; readOnly?: boolean; onChange: (value: Array<string | number>) => void }) {
  const id = useId();
  const items = Array.isArray(value) ? value : [];
  const [text, setText] = useState(items.join(', '));
  const problem = useFieldProblem(testId, id);
  useEffect(() => {
    setText((current) => (JSON.stringify(parseList(current, numbers)) === JSON.stringify(items) ? current : items.join(', ')));
  }, [JSON.stringify(items), numbers]);
  return (
    <div className="lf-field">
      <label htmlFor={id}>Values (comma-separated)</label>
      <input
        id={id}
        type="text"
        data-testid={`field-${testId}`}
        value={text}
        disabled={readOnly}
        {...problem.inputProps}
        onChange={(event) => {
          setText(event.target.value);
          onChange(parseList(event.target.value, numbers));
        }}
      />
      {problem.note}
    </div>
  );
}

function parseList(text: string, numbers: boolean): Array<string | number> {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  return numbers ? parts.map(Number).filter((n) => Number.isFinite(n)) : parts;
}

function operatorsFor(fact: FactDefinition | undefined): OperatorId[] {
  const ids = Object.keys(OPERATORS) as OperatorId[];
  return fact ? ids.filter((id) => (OPERATORS[id].facts as readonly string[]).includes(fact.type)) : ids;
}

/** A value of the shape `operator` takes for `fact`, keeping what can be kept. */
export function coerceValue(value: ConditionLeaf['value'], operator: OperatorId, fact: FactDefinition | undefined): ConditionLeaf['value'] {
  const kind = OPERATORS[operator].value;
  const type = fact?.type ?? 'string';
  switch (kind) {
    case 'list':
      return Array.isArray(value) ? value : value === '' || typeof value === 'boolean' ? [] : [value];
    case 'boolean':
      return typeof value === 'boolean' ? value : true;
    case 'number':
      return typeof value === 'number' && value >= 0 ? value : 7;
    case 'string':
    case 'pattern':
      return typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : '';
    case 'same':
      if (type === 'number') return typeof value === 'number' ? value : Array.isArray(value) && typeof value[0] === 'number' ? value[0] : 0;
      if (type === 'boolean') return typeof value === 'boolean' ? value : true;
      return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
  }
}

/** A fresh condition on `fact`: the first operator that applies, an empty value. */
export function newLeaf(fact: FactDefinition): ConditionLeaf {
  const operator = operatorsFor(fact)[0] as OperatorId;
  return { fact: fact.id, operator, value: coerceValue('', operator, fact), ...(fact.id === 'derived.eventCount' && { params: { eventType: 'page_view' as const, days: 30 } }) };
}
