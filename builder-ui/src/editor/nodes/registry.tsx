/**
 * Every node kind's specification, in a record typed over every kind of rules/graph.schema.ts:
 * adding a kind to the schema fails to compile here until it has a specification.
 */
import { useId } from 'react';
import type { GraphIssue } from '../../../../rules/graph-issue';
import type { GraphNode, NodeKind } from '../../../../rules/graph.schema';
import { conditionSpecification } from './condition.spec';
import { decaySpecification } from './decay.spec';
import { FieldIssuesProvider } from './field-issues';
import { TextField } from './fields';
import { gradeSpecification } from './grade.spec';
import { pointsSpecification } from './points.spec';
import type { NodeSpecification, SpecContext } from './specification';
import { routeSpecification } from './route.spec';
import { thresholdSpecification } from './threshold.spec';
import { triggerSpecification } from './trigger.spec';

export const NODE_SPECS: { readonly [K in NodeKind]: NodeSpecification<K> } = {
  trigger: triggerSpecification,
  condition: conditionSpecification,
  points: pointsSpecification,
  decay: decaySpecification,
  threshold: thresholdSpecification,
  grade: gradeSpecification,
  route: routeSpecification,
};

/** Kinds in palette order: scoring, then decay, then qualification. */
export const NODE_KINDS = Object.keys(NODE_SPECS) as NodeKind[];

/** The specification of `node`'s kind, typed for any node. */
export function specOf(node: GraphNode): NodeSpecification<NodeKind> {
  return NODE_SPECS[node.kind] as unknown as NodeSpecification<NodeKind>;
}

/** The line shown on the canvas for `node`. */
export function summarize(node: GraphNode): string {
  return specOf(node).summary(node);
}

const NO_ISSUES: readonly GraphIssue[] = [];

/** The inspector of any node: its id, its label, then the form of its kind, each field marked with the issues that name it. */
export function NodeInspector({ node, onChange, context, readOnly, issues = NO_ISSUES }: {
  node: GraphNode;
  onChange: (node: GraphNode) => void;
  context: SpecContext;
  readOnly?: boolean;
  /** The validator's issues about this node. */
  issues?: readonly GraphIssue[];
}) {
  const spec = specOf(node);
  const headingId = useId();
  return (
    <section className="lf-inspector" aria-labelledby={headingId} data-testid={`inspector-${node.kind}`}>
      <h2 id={headingId}>
        <span className="lf-kind-dot" style={{ background: spec.colour }} aria-hidden="true" />
        {spec.title} <code>{node.id}</code>
      </h2>
      <TextField
        label="Label"
        testId="label"
        value={node.label}
        optional
        disabled={readOnly}
        onChange={(label) => {
          const { label: _old, ...rest } = node;
          onChange((label === undefined ? rest : { ...rest, label }) as GraphNode);
        }}
      />
      <FieldIssuesProvider issues={issues}>
        <spec.Inspector node={node} onChange={onChange} context={context} readOnly={readOnly} />
      </FieldIssuesProvider>
    </section>
  );
}
