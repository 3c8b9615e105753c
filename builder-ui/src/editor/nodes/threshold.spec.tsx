import { CheckboxGroup, NumberField, SelectField } from './fields';
import { scoreOptions, type NodeSpecification } from './specification';

const SUM = '__sum';

/** A lead becomes marketing-qualified when a score reaches a value (per segment, if given). */
export const thresholdSpecification: NodeSpecification<'threshold'> = {
  kind: 'threshold',
  title: 'Threshold',
  help: 'Qualifies a lead (MQL) when a score reaches a value; optionally for one segment.',
  colour: '#c2185b',
  create: () => ({ kind: 'threshold', label: 'New threshold', score: 'total', value: 60, stage: 'mql' }),
  summary: (node) => {
    const score = typeof node.score === 'string' ? node.score : node.score.join(' + ');
    return `${node.label ?? node.id} · ${score} ≥ ${node.value} → ${node.stage.toUpperCase()}${node.segment ? ` (${node.segment})` : ''}`;
  },
  Inspector: ({ node, onChange, context, readOnly }) => {
    const summed = Array.isArray(node.score);
    const choice = summed ? SUM : (node.score as string);
    return (
      <>
        <SelectField
          label="Score"
          testId="score"
          value={choice}
          options={[{ value: 'total', label: 'Total (all scores)' }, ...scoreOptions(context), { value: SUM, label: 'Sum of several scores…' }]}
          disabled={readOnly}
          onChange={(value) => onChange({ ...node, score: value === SUM ? context.scores.slice(0, 2).map((s) => s.id) : value })}
        />
        {summed && (
          <CheckboxGroup
            label="Add up these scores (two or more)"
            testId="score-sum"
            values={node.score as string[]}
            options={context.scores.map((score) => ({ value: score.id, label: score.label }))}
            disabled={readOnly}
            onChange={(score) => onChange({ ...node, score })}
          />
        )}
        <NumberField label="Reaches" testId="value" value={node.value} disabled={readOnly} onChange={(value) => value !== undefined && onChange({ ...node, value })} />
        <SelectField label="Stage" testId="stage" value={node.stage} options={[{ value: 'mql', label: 'Marketing-qualified (MQL)' }]} disabled={readOnly} onChange={(stage) => onChange({ ...node, stage })} />
        <SelectField
          label="Segment"
          testId="segment"
          value={node.segment ?? ''}
          options={[{ value: '', label: 'Leads of no other segment' }, ...context.segments.map((segment) => ({ value: segment.id, label: segment.label }))]}
          disabled={readOnly}
          onChange={(segment) => {
            const { segment: _old, ...rest } = node;
            onChange(segment === '' ? rest : { ...rest, segment });
          }}
        />
      </>
    );
  },
};
