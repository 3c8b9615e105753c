/**
 * How a rule node looks on the canvas: its kind, its line of summary, a badge with its issues,
 * and the handles rules/connections.ts gives its kind (an input on the left, an output on the right).
 */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { acceptsIncoming, leadsOnward } from '../../../rules/connections';
import { NODE_NAME_PX } from './default-viewport';
import { NODE_SPECS } from './nodes/registry';
import { issueText, type FlowNode } from './to-flow';

export const RuleNode = memo(function RuleNode({ data, selected }: NodeProps<FlowNode>) {
  const { node, summary, issues, mark } = data;
  const spec = NODE_SPECS[node.kind];
  const errors = issues.filter((issue) => issue.severity === 'error');
  const state = errors.length > 0 ? 'error' : issues.length > 0 ? 'warning' : 'ok';
  const [name, ...rest] = summary.split(' · ');
  return (
    <div
      className={['lf-node', `lf-node-${node.kind}`, `lf-node-${state}`, mark && `lf-diff-${mark}`, selected && 'lf-node-selected'].filter(Boolean).join(' ')}
      style={{ borderColor: spec.colour }}
      data-testid={`node-${node.id}`}
      data-kind={node.kind}
      data-issues={issues.length}
      title={issues.map((issue) => `${issue.severity}: ${issueText(issue)}`).join('\n') || undefined}
    >
      {acceptsIncoming(node.kind) && <Handle type="target" position={Position.Left} aria-label="input" />}
      <div className="lf-node-kind" style={{ color: spec.colour }}>
        {spec.title}
        {mark && <span className="lf-node-mark">{mark}</span>}
        {issues.length > 0 && (
          <span className={`lf-node-badge lf-node-badge-${state}`} data-testid={`node-${node.id}-issues`}>
            {errors.length > 0 ? `${errors.length} error${errors.length === 1 ? '' : 's'}` : `${issues.length} warning${issues.length === 1 ? '' : 's'}`}
          </span>
        )}
      </div>
      <div className="lf-node-name" style={{ fontSize: NODE_NAME_PX }}>
        {name}
      </div>
      {rest.length > 0 && <div className="lf-node-summary">{rest.join(' · ')}</div>}
      {errors[0] && <div className="lf-node-problem">{issueText(errors[0])}</div>}
      {leadsOnward(node.kind) && <Handle type="source" position={Position.Right} aria-label="output" />}
    </div>
  );
});

export const NODE_TYPES = { rule: RuleNode };
