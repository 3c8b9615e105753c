import { LIMITS } from '../../../../rules/graph.schema';
import { NumberField, Section, SelectField, TextField } from './fields';
import { QueueField } from './queue-field';
import type { NodeSpecification } from './specification';

const STRATEGIES = [
  { value: 'queue', label: 'Leave in the queue for anyone' },
  { value: 'round_robin', label: 'Round robin between owners' },
  { value: 'weighted', label: 'Weighted between owners' },
] as const;

/** The end of a qualification path: hand the lead to a sales team's queue. */
export const routeSpecification: NodeSpecification<'route'> = {
  kind: 'route',
  title: 'Route',
  help: "Hands a qualified lead to a sales team's queue, with an SLA.",
  colour: '#6a3fc2',
  create: () => ({ kind: 'route', label: 'New route', team: 'Inbound sales', queue: 'inbound-sales', owners: [], strategy: 'queue', slaHours: 24, maxEscalations: 1 }),
  summary: (node) => `${node.label ?? node.id} · queue ${node.queue}`,
  Inspector: ({ node, onChange, context, readOnly }) => {
    const setOwner = (index: number, owner: (typeof node.owners)[number]) => onChange({ ...node, owners: node.owners.map((o, i) => (i === index ? owner : o)) });
    return (
      <>
        <TextField label="Team" testId="team" value={node.team} disabled={readOnly} onChange={(team) => onChange({ ...node, team: team ?? '' })} />
        <QueueField label="Queue" testId="queue" value={node.queue} choices={context.queues} disabled={readOnly} onChange={(queue) => onChange({ ...node, queue: queue ?? '' })} />
        <SelectField label="Assign" testId="strategy" value={node.strategy} options={STRATEGIES} disabled={readOnly} onChange={(strategy) => onChange({ ...node, strategy })} />
        <Section title="Owners">
          {node.owners.length === 0 && <p className="lf-muted">No owners: the handoff waits in the queue.</p>}
          {node.owners.map((owner, index) => (
            <div className="lf-owner" key={index}>
              <TextField label={`Owner ${index + 1}`} testId={`owners-${index}-id`} value={owner.id} disabled={readOnly} onChange={(id) => setOwner(index, { ...owner, id: id ?? '' })} />
              <NumberField label="Weight" testId={`owners-${index}-weight`} value={owner.weight} integer min={1} max={100} disabled={readOnly} onChange={(weight) => weight !== undefined && setOwner(index, { ...owner, weight })} />
              {!readOnly && (
                <button type="button" className="lf-link" data-testid={`field-owners-${index}-remove`} aria-label={`Remove owner ${index + 1}`} onClick={() => onChange({ ...node, owners: node.owners.filter((_, i) => i !== index) })}>
                  Remove
                </button>
              )}
            </div>
          ))}
          {!readOnly && (
            <button type="button" data-testid="field-owners-add" disabled={node.owners.length >= LIMITS.owners} onClick={() => onChange({ ...node, owners: [...node.owners, { id: '', weight: 1 }] })}>
              Add owner
            </button>
          )}
        </Section>
        <div className="lf-grid-2">
          <NumberField label="SLA (hours)" testId="slaHours" value={node.slaHours} min={0} disabled={readOnly} onChange={(slaHours) => slaHours !== undefined && onChange({ ...node, slaHours })} />
          <NumberField label="Escalations at most" testId="maxEscalations" value={node.maxEscalations} integer min={0} max={5} disabled={readOnly} onChange={(maxEscalations) => maxEscalations !== undefined && onChange({ ...node, maxEscalations })} />
        </div>
        <QueueField
          label="Escalate to queue"
          testId="escalateTo"
          value={node.escalateTo}
          choices={context.queues}
          optional
          disabled={readOnly}
          onChange={(escalateTo) => {
            const { escalateTo: _old, ...rest } = node;
            onChange(escalateTo === undefined ? rest : { ...rest, escalateTo });
          }}
        />
      </>
    );
  },
};
