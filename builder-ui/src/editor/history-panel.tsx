/**
 * Published versions, newest first: what changed between two of them (drawn on the canvas by
 * DiffCanvas) and rolling back to one.
 */
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { useId, useMemo, useState } from 'react';
import type { RuleGraph } from '../../../rules/graph.schema';
import type { ModelVersionSummary, VersionDiff } from '../api/client';
import { LiveBadge } from '../models/models-screen';
import { NODE_TYPES } from './flow-node';
import { diffMarks, kindColour, toFlowEdges, toFlowNodes } from './to-flow';

export interface HistoryPanelProps {
  versions: readonly ModelVersionSummary[];
  diff: VersionDiff | null;
  busy?: boolean;
  readOnly?: boolean;
  /** Whether this model is the live one: its newest version scores events. */
  live?: boolean;
  onShowDiff: (from: number, to: number) => void;
  onRollback: (version: number) => void;
}

export function HistoryPanel({ versions, diff, busy, readOnly, live, onShowDiff, onRollback }: HistoryPanelProps) {
  const fromId = useId();
  const toId = useId();
  const newest = versions[0]?.version ?? 0;
  const [from, setFrom] = useState(Math.max(1, newest - 1));
  const [to, setTo] = useState(newest);

  if (versions.length === 0) {
    return (
      <section className="lf-history" data-testid="history">
        <h2>Published versions</h2>
        <p className="lf-muted">Nothing published yet. Publish the draft to make version 1.</p>
      </section>
    );
  }
  return (
    <section className="lf-history" data-testid="history">
      <h2>Published versions</h2>
      {versions.length > 1 && (
        <form
          className="lf-row"
          onSubmit={(event) => {
            event.preventDefault();
            onShowDiff(from, to);
          }}
        >
          <label htmlFor={fromId}>Compare</label>
          <select id={fromId} data-testid="diff-from" value={from} onChange={(event) => setFrom(Number(event.target.value))}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
          <label htmlFor={toId}>with</label>
          <select id={toId} data-testid="diff-to" value={to} onChange={(event) => setTo(Number(event.target.value))}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </select>
          <button type="submit" data-testid="diff-show" disabled={busy || from === to}>
            Show changes
          </button>
        </form>
      )}
      {diff && <DiffSummary diff={diff} />}
      <ol className="lf-version-list" data-testid="version-list">
        {versions.map((version) => (
          <li key={version.version} data-testid={`version-${version.version}`}>
            <div>
              <strong>v{version.version}</strong> · {new Date(version.publishedAt).toLocaleString()}
              {version.publishedBy && ` · ${version.publishedBy}`}
              {live && version.version === newest && <LiveBadge label="Live: scores new events" />}
            </div>
            <div className="lf-muted">{version.changeNote || '(no note)'}</div>
            <div className="lf-row">
              {version.version > 1 && (
                <button type="button" data-testid={`version-${version.version}-diff`} disabled={busy} onClick={() => onShowDiff(version.version - 1, version.version)}>
                  Changes from v{version.version - 1}
                </button>
              )}
              {!readOnly && version.version !== newest && (
                <button type="button" data-testid={`version-${version.version}-rollback`} disabled={busy} onClick={() => onRollback(version.version)}>
                  Roll back to this
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function DiffSummary({ diff }: { diff: VersionDiff }) {
  const nothing = diff.added.length + diff.removed.length + diff.changed.length + diff.edges.added.length + diff.edges.removed.length === 0;
  return (
    <div className="lf-diff-summary" data-testid="diff-summary" aria-live="polite">
      <h3>
        Changes from v{diff.from} to v{diff.to}
      </h3>
      {nothing && <p>No changes to rules (nodes may have moved).</p>}
      {diff.thresholds.map((t) => (
        <p key={t.nodeId}>
          Threshold <strong>{t.name}</strong>
          {t.segment && ` (${t.segment})`}: {t.from} → {t.to}
        </p>
      ))}
      {diff.points.map((p) => (
        <p key={p.nodeId}>
          Points <strong>{p.name}</strong>: {p.from} → {p.to}
        </p>
      ))}
      {diff.conditions.map((c) => (
        <p key={c.nodeId} data-testid={`diff-condition-${c.nodeId}`}>
          Condition <strong>{c.name}</strong>: “{c.from}” → “{c.to}”
        </p>
      ))}
      <DiffList title="Added" ids={diff.added} className="lf-diff-added" />
      <DiffList title="Changed" ids={diff.changed} className="lf-diff-changed" />
      <DiffList title="Removed" ids={diff.removed} className="lf-diff-removed" />
      <DiffList title="Connections added" ids={diff.edges.added} className="lf-diff-added" />
      <DiffList title="Connections removed" ids={diff.edges.removed} className="lf-diff-removed" />
    </div>
  );
}

function DiffList({ title, ids, className }: { title: string; ids: readonly string[]; className: string }) {
  if (ids.length === 0) return null;
  return (
    <p>
      {title}:{' '}
      {ids.map((id) => (
        <code key={id} className={className}>
          {id}
        </code>
      ))}
    </p>
  );
}

/** The newer version of a diff, read-only, with what it added or changed highlighted. */
export function DiffCanvas({ graph, diff }: { graph: RuleGraph; diff: VersionDiff }) {
  const { nodes, edges } = useMemo(() => {
    const marks = diffMarks(diff);
    return { nodes: toFlowNodes(graph, { marks }), edges: toFlowEdges(graph, { marks }) };
  }, [graph, diff]);
  return (
    <div className="lf-canvas" data-testid="diff-canvas">
      <ReactFlowProvider>
        <ReactFlow
          key={`${diff.from}-${diff.to}`}
          defaultNodes={nodes}
          defaultEdges={edges}
          nodeTypes={NODE_TYPES}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          fitView
          fitViewOptions={{ maxZoom: 1, padding: 0.15 }}
          minZoom={0.1}
          aria-label={`Version ${diff.to} compared with version ${diff.from}`}
        >
          <Background />
          <MiniMap nodeColor={kindColour} ariaLabel="Overview of the version" style={{ width: 160, height: 110 }} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
