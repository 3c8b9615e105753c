/**
 * The model's own settings, shown when nothing is selected: its name, the scores nodes add to,
 * the segments thresholds may be specific to, what recycling a rejected lead resets, and the
 * value maps that read a CRM's own words as the values rules test.
 */
import { FACTS } from '../../../rules/facts-catalogue';
import { LIMITS, type RuleGraph } from '../../../rules/graph.schema';
import { ConditionsEditor, ListField, MATCH_OPTIONS, newLeaf } from './nodes/conditions-editor';
import { CheckboxGroup, NumberField, Section, SelectField, TextField } from './nodes/fields';
import type { ModelSettings as Settings } from './graph-store';

type Score = RuleGraph['scores'][number];
type Segment = RuleGraph['segments'][number];
type ValueMap = NonNullable<RuleGraph['valueMaps']>[number];

export function ModelSettings({ graph, onChange, readOnly }: { graph: RuleGraph; onChange: (patch: Partial<Settings>) => void; readOnly?: boolean }) {
  const setScore = (index: number, score: Score) => onChange({ scores: graph.scores.map((s, i) => (i === index ? score : s)) });
  const setSegment = (index: number, segment: Segment) => onChange({ segments: graph.segments.map((s, i) => (i === index ? segment : s)) });
  const firstLeadFact = FACTS.find((fact) => fact.source === 'lead')!;
  const valueMaps = graph.valueMaps ?? [];
  const setValueMaps = (maps: ValueMap[]) => onChange({ valueMaps: maps.length > 0 ? maps : undefined });
  const setValueMap = (index: number, map: ValueMap) => setValueMaps(valueMaps.map((m, i) => (i === index ? map : m)));
  const textAttributes = [
    ...FACTS.filter((fact) => fact.source === 'lead' && fact.type === 'string').map((fact) => ({ value: fact.id, label: fact.label })),
    ...(graph.attributes ?? []).filter((attribute) => attribute.type === 'string').map((attribute) => ({ value: `lead.${attribute.id}`, label: attribute.label })),
  ];

  return (
    <section className="lf-inspector" aria-labelledby="model-settings-title" data-testid="model-settings">
      <h2 id="model-settings-title">Model</h2>
      <p className="lf-muted">Select a node to edit it. Nothing selected shows the model's settings.</p>
      <TextField label="Name" testId="model-name" value={graph.name} disabled={readOnly} onChange={(name) => onChange({ name: name ?? '' })} />
      <TextField
        label="Description"
        testId="model-description"
        value={graph.description}
        optional
        disabled={readOnly}
        onChange={(description) => onChange({ description })}
      />

      <Section title="Scores">
        {graph.scores.map((score, index) => (
          <div className="lf-score" key={index}>
            <div className="lf-grid-2">
              <TextField label="Id" testId={`scores-${index}-id`} value={score.id} disabled={readOnly} onChange={(id) => setScore(index, { ...score, id: id ?? '' })} />
              <TextField label="Label" testId={`scores-${index}-label`} value={score.label} disabled={readOnly} onChange={(label) => setScore(index, { ...score, label: label ?? '' })} />
              <NumberField label="Minimum" testId={`scores-${index}-min`} value={score.min} optional disabled={readOnly} onChange={(min) => setScore(index, withOptional(score, 'min', min))} />
              <NumberField label="Maximum" testId={`scores-${index}-max`} value={score.max} optional disabled={readOnly} onChange={(max) => setScore(index, withOptional(score, 'max', max))} />
            </div>
            {!readOnly && (
              <button type="button" className="lf-link" data-testid={`field-scores-${index}-remove`} onClick={() => onChange({ scores: graph.scores.filter((_, i) => i !== index) })}>
                Remove score {score.label || score.id}
              </button>
            )}
          </div>
        ))}
        {!readOnly && (
          <button
            type="button"
            data-testid="field-scores-add"
            disabled={graph.scores.length >= LIMITS.scores}
            onClick={() => onChange({ scores: [...graph.scores, { id: `score_${graph.scores.length + 1}`, label: `Score ${graph.scores.length + 1}` }] })}
          >
            Add score
          </button>
        )}
      </Section>

      <Section title="Segments">
        {graph.segments.length === 0 && <p className="lf-muted">No segments: one threshold applies to every lead.</p>}
        {graph.segments.map((segment, index) => (
          <details className="lf-segment" key={index}>
            <summary>{segment.label || segment.id}</summary>
            <div className="lf-grid-2">
              <TextField label="Id" testId={`segments-${index}-id`} value={segment.id} disabled={readOnly} onChange={(id) => setSegment(index, { ...segment, id: id ?? '' })} />
              <TextField label="Label" testId={`segments-${index}-label`} value={segment.label} disabled={readOnly} onChange={(label) => setSegment(index, { ...segment, label: label ?? '' })} />
            </div>
            <SelectField label="Match" testId={`segments-${index}-match`} value={segment.match} options={MATCH_OPTIONS} disabled={readOnly} onChange={(match) => setSegment(index, { ...segment, match })} />
            <ConditionsEditor
              conditions={segment.conditions}
              leadOnly
              testId={`segments-${index}-conditions`}
              readOnly={readOnly}
              onChange={(conditions) => setSegment(index, { ...segment, conditions })}
            />
            {!readOnly && (
              <button type="button" className="lf-link" data-testid={`field-segments-${index}-remove`} onClick={() => onChange({ segments: graph.segments.filter((_, i) => i !== index) })}>
                Remove segment
              </button>
            )}
          </details>
        ))}
        {!readOnly && (
          <button
            type="button"
            data-testid="field-segments-add"
            disabled={graph.segments.length >= LIMITS.segments}
            onClick={() =>
              onChange({ segments: [...graph.segments, { id: `segment-${graph.segments.length + 1}`, label: `Segment ${graph.segments.length + 1}`, match: 'all', conditions: [newLeaf(firstLeadFact)] }] })
            }
          >
            Add segment
          </button>
        )}
      </Section>

      <Section title="Value maps">
        <p className="lf-muted">Read your CRM's words as the values rules test ("C - Level", "CXO" → c_level); case and spacing do not matter.</p>
        {valueMaps.map((map, index) => (
          <details className="lf-segment" key={index} open>
            <summary>{textAttributes.find((option) => option.value === map.attribute)?.label ?? map.attribute}</summary>
            <SelectField label="Attribute" testId={`valueMaps-${index}-attribute`} value={map.attribute} options={textAttributes} disabled={readOnly} onChange={(attribute) => setValueMap(index, { ...map, attribute })} />
            {map.values.map((entry, entryIndex) => (
              <div className="lf-grid-2" key={entryIndex}>
                <ListField
                  value={entry.from}
                  numbers={false}
                  testId={`valueMaps-${index}-values-${entryIndex}-from`}
                  readOnly={readOnly}
                  onChange={(from) => setValueMap(index, { ...map, values: map.values.map((e, i) => (i === entryIndex ? { ...e, from: from.map(String) } : e)) })}
                />
                <TextField
                  label="Read as"
                  testId={`valueMaps-${index}-values-${entryIndex}-to`}
                  value={entry.to}
                  disabled={readOnly}
                  onChange={(to) => setValueMap(index, { ...map, values: map.values.map((e, i) => (i === entryIndex ? { ...e, to: to ?? '' } : e)) })}
                />
              </div>
            ))}
            {!readOnly && (
              <>
                <button type="button" data-testid={`field-valueMaps-${index}-values-add`} disabled={map.values.length >= LIMITS.listValues} onClick={() => setValueMap(index, { ...map, values: [...map.values, { from: [], to: '' }] })}>
                  Add a value
                </button>
                <button type="button" className="lf-link" data-testid={`field-valueMaps-${index}-remove`} onClick={() => setValueMaps(valueMaps.filter((_, i) => i !== index))}>
                  Remove value map
                </button>
              </>
            )}
          </details>
        ))}
        {!readOnly && (
          <button
            type="button"
            data-testid="field-valueMaps-add"
            onClick={() => {
              // Seniority and industry are what CRMs spell most ways: offer them first.
              const attribute = ['lead.seniority', 'lead.industry', ...textAttributes.map((option) => option.value)].find((id) => !valueMaps.some((m) => m.attribute === id)) ?? 'lead.seniority';
              setValueMaps([...valueMaps, { attribute, values: [{ from: [], to: '' }] }]);
            }}
          >
            Add value map
          </button>
        )}
      </Section>

      <Section title="When sales rejects a lead">
        <CheckboxGroup
          label="Reset these scores"
          testId="recycle-resetScores"
          values={graph.recycle.resetScores}
          options={graph.scores.map((score) => ({ value: score.id, label: score.label || score.id }))}
          disabled={readOnly}
          onChange={(resetScores) => onChange({ recycle: { ...graph.recycle, resetScores } })}
        />
        <NumberField
          label="Wait before it can qualify again (days)"
          testId="recycle-coolDownDays"
          value={graph.recycle.coolDownDays}
          integer
          min={0}
          max={365}
          disabled={readOnly}
          onChange={(coolDownDays) => coolDownDays !== undefined && onChange({ recycle: { ...graph.recycle, coolDownDays } })}
        />
      </Section>
    </section>
  );
}

function withOptional<T extends object, K extends keyof T>(item: T, key: K, value: T[K] | undefined): T {
  const next = { ...item };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}
