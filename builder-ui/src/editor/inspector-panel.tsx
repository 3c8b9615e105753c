/**
 * The side panel for what is selected: a node's form and its connections, a connection, several
 * nodes, or (nothing selected) the model's settings.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { acceptsIncoming, connectionProblem, leadsOnward } from '../../../rules/connections';
import { EVENT_TYPES, type EventType } from '../../../rules/facts-catalogue';
import type { GraphIssue } from '../../../rules/graph-issue';
import type { GraphNode, RuleGraph } from '../../../rules/graph.schema';
import { ModelSettings } from './model-settings';
import { FieldIssuesProvider } from './nodes/field-issues';
import { NODE_SPECS, NodeInspector } from './nodes/registry';
import type { QueueChoices } from './nodes/specification';
import { useApi } from '../shell/session';
import { useGraphActions, useGraphState } from './use-graph-store';

export function InspectorPanel({ readOnly, onMessage, issues = NO_ISSUES }: {
  readOnly?: boolean;
  onMessage: (message: string) => void;
  /** The validator's issues; the selected node's fields are marked with theirs. */
  issues?: readonly GraphIssue[];
}) {
  const graph = useGraphState((s) => s.graph);
  const selection = useGraphState((s) => s.selection);
  const actions = useGraphActions();
  const worked = useWorkedQueues();
  const nodes = graph.nodes.filter((node) => selection.nodes.includes(node.id));
  const edited = nodes.length === 1 ? nodes[0]?.id : undefined;
  const queues = useMemo<QueueChoices>(() => {
    const inModel = graph.nodes.flatMap((node) => (node.kind === 'route' && node.id !== edited ? [node.queue, ...(node.escalateTo ? [node.escalateTo] : [])] : []));
    return { inModel: [...new Set(inModel)], worked };
  }, [graph.nodes, edited, worked]);
  const settingsIssues = useMemo(() => settingsFieldIssues(issues), [issues]);
  const events = useMemo(() => (edited ? eventsBefore(graph, edited) : undefined), [graph.nodes, graph.edges, edited]);
  const context = useMemo(() => ({ scores: graph.scores, segments: graph.segments, queues, events }), [graph.scores, graph.segments, queues, events]);

  const edges = graph.edges.filter((edge) => selection.edges.includes(edge.id));
  const name = (id: string) => {
    const node = graph.nodes.find((n) => n.id === id);
    return node ? (node.label ?? node.id) : id;
  };

  if (nodes.length === 1 && edges.length <= 1) {
    const node = nodes[0] as GraphNode;
    return (
      <div className="lf-panel-body">
        <NodeInspector
          // A form's own state (a half-typed number, a queue being typed) belongs to one node.
          key={node.id}
          node={node}
          context={context}
          readOnly={readOnly}
          issues={issues.filter((issue) => issue.nodeId === node.id)}
          onChange={(next) => actions.updateNode(node.id, next)}
        />
        <Connections graph={graph} node={node} readOnly={readOnly} onMessage={onMessage} />
        {!readOnly && (
          <button type="button" className="lf-danger" data-testid="inspector-delete" onClick={() => actions.remove({ nodes: [node.id], edges: [] })}>
            Delete this node
          </button>
        )}
      </div>
    );
  }
  if (nodes.length === 0 && edges.length === 1) {
    const edge = edges[0]!;
    return (
      <div className="lf-panel-body">
        <section className="lf-inspector" data-testid="inspector-edge">
          <h2>Connection</h2>
          <p>
            From <strong>{name(edge.source)}</strong> to <strong>{name(edge.target)}</strong>
          </p>
          {!readOnly && (
            <button type="button" className="lf-danger" data-testid="inspector-delete" onClick={() => actions.remove({ nodes: [], edges: [edge.id] })}>
              Delete this connection
            </button>
          )}
        </section>
      </div>
    );
  }
  if (nodes.length + edges.length > 1) {
    return (
      <div className="lf-panel-body">
        <section className="lf-inspector" data-testid="inspector-many">
          <h2>
            {nodes.length} nodes, {edges.length} connections selected
          </h2>
          <p className="lf-muted">Copy them with Ctrl+C, delete them with Delete.</p>
          {!readOnly && (
            <button type="button" className="lf-danger" data-testid="inspector-delete" onClick={() => actions.removeSelected()}>
              Delete the selection
            </button>
          )}
        </section>
      </div>
    );
  }
  return (
    <div className="lf-panel-body">
      <FieldIssuesProvider issues={settingsIssues}>
        <ModelSettings graph={graph} readOnly={readOnly} onChange={actions.updateSettings} />
      </FieldIssuesProvider>
    </div>
  );
}

const NO_ISSUES: readonly GraphIssue[] = [];

/** Issues of the model's own settings (scores, segments, recycling), their path in the graph as the field to mark. */
export function settingsFieldIssues(issues: readonly GraphIssue[]): GraphIssue[] {
  return issues.filter((issue) => !issue.nodeId && !issue.edgeId && issue.path).map((issue) => ({ ...issue, field: issue.path }));
}

/** The event types of the triggers from which a path leads to `nodeId`, in the catalogue's order. */
export function eventsBefore(graph: Pick<RuleGraph, 'nodes' | 'edges'>, nodeId: string): EventType[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const sources = new Map<string, string[]>();
  for (const edge of graph.edges) sources.set(edge.target, [...(sources.get(edge.target) ?? []), edge.source]);
  const seen = new Set<string>([nodeId]);
  const stack = [nodeId];
  const types = new Set<EventType>();
  while (stack.length > 0) {
    const id = stack.pop() as string;
    const node = byId.get(id);
    if (node?.kind === 'trigger') node.eventTypes.forEach((type) => types.add(type));
    for (const source of sources.get(id) ?? []) {
      if (seen.has(source)) continue;
      seen.add(source);
      stack.push(source);
    }
  }
  return EVENT_TYPES.filter((type) => types.has(type));
}

/** Queue → how many active sales keys work it, once loaded; undefined before, or when the API refuses. */
function useWorkedQueues(): ReadonlyMap<string, number> | undefined {
  const client = useApi();
  const [worked, setWorked] = useState<ReadonlyMap<string, number>>();
  useEffect(() => {
    let current = true;
    client
      .workedQueues()
      .then((queues) => current && setWorked(new Map(queues.filter((q) => q.keys > 0).map((q) => [q.queue, q.keys]))))
      // Without the list the picklist still offers the model's queues; it only cannot warn.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [client]);
  return worked;
}

/** A node's connections, and a keyboard way to add one: choose among the nodes it may lead to. */
function Connections({ graph, node, readOnly, onMessage }: { graph: RuleGraph; node: GraphNode; readOnly?: boolean; onMessage: (message: string) => void }) {
  const actions = useGraphActions();
  const selectId = useId();
  const outgoing = graph.edges.filter((edge) => edge.source === node.id);
  const incoming = graph.edges.filter((edge) => edge.target === node.id);
  const candidates = graph.nodes.filter((other) => connectionProblem(graph, node.id, other.id) === undefined);
  const [target, setTarget] = useState('');
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const describe = (id: string) => {
    const other = byId.get(id);
    return other ? `${NODE_SPECS[other.kind].title}: ${other.label ?? other.id}` : id;
  };
  const chosen = candidates.some((c) => c.id === target) ? target : (candidates[0]?.id ?? '');

  if (!acceptsIncoming(node.kind) && !leadsOnward(node.kind)) return <p className="lf-muted">{NODE_SPECS[node.kind].title} nodes stand alone: they need no connections.</p>;
  return (
    <section className="lf-connections" aria-label="Connections" data-testid="inspector-connections">
      <h3>Connections</h3>
      <ul>
        {incoming.map((edge) => (
          <li key={edge.id}>
            ← from {describe(edge.source)}
            {!readOnly && (
              <button type="button" className="lf-link" aria-label={`Remove the connection from ${describe(edge.source)}`} onClick={() => actions.remove({ nodes: [], edges: [edge.id] })}>
                Remove
              </button>
            )}
          </li>
        ))}
        {outgoing.map((edge) => (
          <li key={edge.id}>
            → to {describe(edge.target)}
            {!readOnly && (
              <button type="button" className="lf-link" aria-label={`Remove the connection to ${describe(edge.target)}`} onClick={() => actions.remove({ nodes: [], edges: [edge.id] })}>
                Remove
              </button>
            )}
          </li>
        ))}
        {incoming.length + outgoing.length === 0 && <li className="lf-muted">Not connected.</li>}
      </ul>
      {!readOnly && candidates.length > 0 && (
        <div className="lf-row">
          <label htmlFor={selectId}>Lead to</label>
          <select id={selectId} data-testid="connect-target" value={chosen} onChange={(event) => setTarget(event.target.value)}>
            {candidates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {describe(candidate.id)}
              </option>
            ))}
          </select>
          <button
            type="button"
            data-testid="connect-add"
            onClick={() => {
              const result = actions.connect(node.id, chosen);
              if (!result.ok) onMessage(result.reason);
              else actions.select({ nodes: [node.id], edges: [] });
            }}
          >
            Connect
          </button>
        </div>
      )}
    </section>
  );
}
