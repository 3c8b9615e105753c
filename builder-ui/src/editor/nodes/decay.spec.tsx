import { CHANNEL_IDS, type Channel } from '../../../../rules/facts-catalogue';
import type { NodeOfKind } from '../../../../rules/graph.schema';
import { NumberField, SelectField } from './fields';
import { pickScore, scoreOptions, type NodeSpecification } from './specification';

type Rule = NodeOfKind<'decay'>['rule'];
type Mode = Rule['mode'];

const MODE_OPTIONS = [
  { value: 'step', label: 'Take points for every period without activity' },
  { value: 'once', label: 'Take points once, after a period without activity' },
  { value: 'half_life', label: 'Halve the score every period without activity' },
] as const;
const CHANNEL_LABELS: Record<Channel, string> = { any: 'Any activity', email: 'Email', web: 'Website', social: 'Social', webinar: 'Webinars' };

/** Switches the rule's mode, keeping the amount where the new mode has one. */
function withMode(rule: Rule, mode: Mode): Rule {
  const amount = 'amount' in rule ? rule.amount : 10;
  if (mode === 'step') return { mode, amount, everyDays: 30 };
  if (mode === 'once') return { mode, amount, afterDays: 45 };
  return { mode, halfLifeDays: 30 };
}

const describeRule = (rule: Rule) =>
  rule.mode === 'step' ? `-${rule.amount} per ${rule.everyDays} days` : rule.mode === 'once' ? `-${rule.amount} after ${rule.afterDays} days` : `halves every ${rule.halfLifeDays} days`;

/** Interest fades: a score loses points while the lead is quiet. Stands alone on the canvas. */
export const decaySpecification: NodeSpecification<'decay'> = {
  kind: 'decay',
  title: 'Decay',
  help: 'Takes points away while a lead shows no activity (stands alone).',
  colour: '#7a869a',
  create: (context) => ({ kind: 'decay', label: 'New decay', score: pickScore(context, 'engagement'), channel: 'any', rule: { mode: 'step', amount: 10, everyDays: 30 }, floor: 0 }),
  summary: (node) => `${node.label ?? node.id} · ${node.score}, ${node.channel} channel, ${describeRule(node.rule)}`,
  Inspector: ({ node, onChange, context, readOnly }) => {
    const { rule } = node;
    const setRule = (next: Rule) => onChange({ ...node, rule: next });
    return (
      <>
        <SelectField label="Score" testId="score" value={node.score} options={scoreOptions(context)} disabled={readOnly} onChange={(score) => onChange({ ...node, score })} />
        <SelectField
          label="Activity that resets the clock"
          testId="channel"
          value={node.channel}
          options={CHANNEL_IDS.map((id) => ({ value: id, label: CHANNEL_LABELS[id] }))}
          disabled={readOnly}
          onChange={(channel) => onChange({ ...node, channel })}
        />
        <SelectField label="How" testId="rule-mode" value={rule.mode} options={MODE_OPTIONS} disabled={readOnly} onChange={(mode) => setRule(withMode(rule, mode))} />
        <div className="lf-grid-2">
          {rule.mode !== 'half_life' && (
            <NumberField label="Points taken" testId="rule-amount" value={rule.amount} min={0} disabled={readOnly} onChange={(amount) => amount !== undefined && setRule({ ...rule, amount })} />
          )}
          {rule.mode === 'step' && (
            <NumberField label="Every (days)" testId="rule-everyDays" value={rule.everyDays} integer min={1} disabled={readOnly} onChange={(everyDays) => everyDays !== undefined && setRule({ ...rule, everyDays })} />
          )}
          {rule.mode === 'once' && (
            <NumberField label="After (days)" testId="rule-afterDays" value={rule.afterDays} integer min={1} disabled={readOnly} onChange={(afterDays) => afterDays !== undefined && setRule({ ...rule, afterDays })} />
          )}
          {rule.mode === 'half_life' && (
            <NumberField label="Half-life (days)" testId="rule-halfLifeDays" value={rule.halfLifeDays} integer min={1} disabled={readOnly} onChange={(halfLifeDays) => halfLifeDays !== undefined && setRule({ ...rule, halfLifeDays })} />
          )}
        </div>
        <NumberField label="Never below" testId="floor" value={node.floor} disabled={readOnly} onChange={(floor) => floor !== undefined && onChange({ ...node, floor })} />
      </>
    );
  },
};
