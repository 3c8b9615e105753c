import type { NodeOfKind } from '../../../../rules/graph.schema';
import { Checkbox, NumberField, Section, SelectField } from './fields';
import { pickScore, scoreOptions, type NodeSpecification } from './specification';

type Limits = NonNullable<NodeOfKind<'points'>['limits']>;

/** The end of a scoring path: add (or take) points. */
export const pointsSpecification: NodeSpecification<'points'> = {
  kind: 'points',
  title: 'Points',
  help: 'Adds points to a score (negative points take them away).',
  colour: '#2f9e55',
  create: (context) => ({ kind: 'points', label: 'New points', score: pickScore(context, 'engagement'), points: 10 }),
  summary: (node) => `${node.label ?? node.id} · ${node.points >= 0 ? '+' : ''}${node.points} ${node.score}`,
  Inspector: ({ node, onChange, context, readOnly }) => {
    const limits = node.limits ?? {};
    const setLimit = <K extends keyof Limits>(key: K, value: Limits[K] | undefined) => {
      const next: Limits = { ...limits };
      if (value === undefined || value === false) delete next[key];
      else next[key] = value;
      const { limits: _old, ...rest } = node;
      onChange(Object.keys(next).length > 0 ? { ...rest, limits: next } : rest);
    };
    return (
      <>
        <SelectField label="Score" testId="score" value={node.score} options={scoreOptions(context)} disabled={readOnly} onChange={(score) => onChange({ ...node, score })} />
        <NumberField label="Points" testId="points" value={node.points} integer min={-1000} max={1000} disabled={readOnly} onChange={(points) => points !== undefined && onChange({ ...node, points })} />
        <Section title="Limits">
          <Checkbox label="Only once per lead" testId="limits-oncePerLead" checked={limits.oncePerLead === true} disabled={readOnly} onChange={(on) => setLimit('oncePerLead', on)} />
          <div className="lf-grid-2">
            <NumberField label="At most (times)" testId="limits-maxTimes" value={limits.maxTimes} optional integer min={1} disabled={readOnly} onChange={(v) => setLimit('maxTimes', v)} />
            <NumberField label="In (days)" testId="limits-windowDays" value={limits.windowDays} optional integer min={1} disabled={readOnly} onChange={(v) => setLimit('windowDays', v)} />
            <NumberField label="Repeat bonus" testId="limits-repeatBonus" value={limits.repeatBonus} optional integer min={0} disabled={readOnly} onChange={(v) => setLimit('repeatBonus', v)} />
            <NumberField label="Bonus at most" testId="limits-maxRepeatBonus" value={limits.maxRepeatBonus} optional integer min={0} disabled={readOnly} onChange={(v) => setLimit('maxRepeatBonus', v)} />
          </div>
        </Section>
      </>
    );
  },
};
