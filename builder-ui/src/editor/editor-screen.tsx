/**
 * The model editor: palette, canvas and inspector over one graph store; the validator's issues
 * as the graph changes; the toolbar and keyboard commands; version history with diffs drawn on
 * the canvas. What it asks the API (save, compile, publish, diff, roll-back, conflicts) lives in
 * use-draft-commands.ts.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { validateGraph } from '../../../rules/validate-graph';
import { ApiError, describeError, type ModelDetail } from '../api/client';
import { LiveBadge } from '../models/models-screen';
import { guardLeaving, hrefOf, leaveTo } from '../shell/routes';
import { useApi } from '../shell/session';
import { Canvas, useAddNode, useDefaultView, useFocusElement } from './canvas';
import { ChangeNoteDialog, CompiledDialog, LeaveDialog, ShortcutsDialog } from './dialogs';
import { createGraphStore, type GraphStore } from './graph-store';
import { DiffCanvas, HistoryPanel } from './history-panel';
import { InspectorPanel } from './inspector-panel';
import { IssuesPanel } from './issues-panel';
import { layoutGraph } from './layout';
import { Palette } from './palette';
import { belongsToTarget, commandFor, type EditorCommand } from './shortcuts';
import { issuesByElement } from './to-flow';
import { editableDraft, useDraftCommands } from './use-draft-commands';
import { GraphStoreProvider, useGraphActions, useGraphState } from './use-graph-store';

type Load = { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; model: ModelDetail; liveModelId: string | null };

export function EditorScreen({ modelId, canEdit }: { modelId: string; canEdit: boolean }) {
  const client = useApi();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    setLoad({ state: 'loading' });
    Promise.all([client.getModel(modelId), client.getLiveModel().then((live) => live.modelId, (error: unknown) => (error instanceof ApiError && error.status === 404 ? null : Promise.reject(error)))])
      .then(([model, liveModelId]) => current && setLoad({ state: 'ready', model, liveModelId }))
      .catch((error: unknown) => current && setLoad({ state: 'failed', message: describeError(error) }));
    return () => {
      current = false;
    };
  }, [client, modelId]);

  if (load.state === 'loading') return <p className="lf-message">Loading the model…</p>;
  if (load.state === 'failed') {
    return (
      <main className="lf-page">
        <p className="lf-error" role="alert">
          Could not open the model "{modelId}": {load.message}
        </p>
        <a href={hrefOf({ screen: 'models' })}>Back to the models</a>
      </main>
    );
  }
  return <LoadedEditor key={modelId} initial={load.model} canEdit={canEdit} liveModelId={load.liveModelId} />;
}

function LoadedEditor({ initial, canEdit, liveModelId }: { initial: ModelDetail; canEdit: boolean; liveModelId: string | null }) {
  const [setup] = useState(() => {
    const { graph, dropped } = editableDraft(initial.draft.graph);
    return { store: createGraphStore(graph), dropped };
  });
  return (
    <GraphStoreProvider store={setup.store}>
      <ReactFlowProvider>
        <EditorBody initial={initial} store={setup.store} canEdit={canEdit} dropped={setup.dropped} liveModelId={liveModelId} />
      </ReactFlowProvider>
    </GraphStoreProvider>
  );
}

function EditorBody({ initial, store, canEdit, dropped, liveModelId }: { initial: ModelDetail; store: GraphStore; canEdit: boolean; dropped: number; liveModelId: string | null }) {
  const actions = useGraphActions();
  const graph = useGraphState((s) => s.graph);
  const canUndo = useGraphState((s) => s.past.length > 0);
  const canRedo = useGraphState((s) => s.future.length > 0);
  const hasSelection = useGraphState((s) => s.selection.nodes.length + s.selection.edges.length > 0);
  const canPaste = useGraphState((s) => (s.clipboard?.nodes.length ?? 0) > 0);
  const showDefaultView = useDefaultView();
  const focusElement = useFocusElement();
  const paneRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const sideRef = useRef<HTMLDivElement>(null);
  const [measured] = useState(() => new Map<string, { width: number; height: number }>());
  const addNode = useAddNode(paneRef, measured);
  const draft = useDraftCommands({ initial, store, graph, dropped });
  const { model, shownRevision, savedGraph, hasUnsavedChanges, serverIssues, conflict, error, setError, status, say, busy, dialog, setDialog, dialogError, setDialogError, diffView, setDiffView } = draft;
  const { save, compile, publish, rollback, showDiff, resolveConflict, simulate } = draft;
  const [tab, setTab] = useState<'inspect' | 'history'>('inspect');

  const readOnly = !canEdit;
  const isLive = liveModelId === model.modelId;
  const dirty = graph !== savedGraph;

  // The validator runs in the browser on every change; deferred, so typing stays smooth on big graphs.
  const checked = useDeferredValue(graph);
  const validation = useMemo(() => validateGraph(checked), [checked]);
  const issueMap = useMemo(() => issuesByElement(validation.issues), [validation]);

  const layout = useCallback(() => {
    actions.moveNodes(layoutGraph(store.getState().graph, measured));
    requestAnimationFrame(showDefaultView);
    say('Laid out the graph.');
  }, [actions, measured, say, showDefaultView, store]);

  // Leaving with unsaved changes asks first: in the app (a link, the back button) and on reload or close.
  useEffect(
    () =>
      guardLeaving((to) => {
        if (!hasUnsavedChanges()) return true;
        setDialog({ kind: 'leave', to });
        return false;
      }),
    [hasUnsavedChanges, setDialog],
  );
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!hasUnsavedChanges()) return;
      event.preventDefault();
      // Older browsers ask only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [hasUnsavedChanges]);

  /** Enter on a node: into its inspector's first field. */
  const editSelected = useCallback(() => {
    setTab('inspect');
    requestAnimationFrame(() => sideRef.current?.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])')?.focus());
  }, []);

  const run = useCallback(
    (command: EditorCommand) => {
      if (diffView) return;
      if (command === 'copy') {
        const count = actions.copy();
        say(count ? `Copied ${count} node${count === 1 ? '' : 's'}.` : 'Select nodes to copy.');
        return;
      }
      if (command === 'selectAll') return actions.selectAll();
      if (command === 'find') return searchRef.current?.focus();
      if (readOnly) return;
      switch (command) {
        case 'undo':
          return actions.undo();
        case 'redo':
          return actions.redo();
        case 'cut':
          return void actions.cut();
        case 'paste': {
          const pasted = actions.paste();
          if (pasted.length) say(`Pasted ${pasted.length} node${pasted.length === 1 ? '' : 's'}.`);
          return;
        }
        case 'delete':
          return actions.removeSelected();
        case 'layout':
          return layout();
        case 'save':
          return void save();
      }
    },
    [actions, diffView, layout, readOnly, save, say],
  );

  const latest = useRef({ run, dialog });
  latest.current = { run, dialog };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (latest.current.dialog) return;
      const command = commandFor(event);
      if (!command || (command !== 'save' && belongsToTarget(event.target))) return;
      // Find belongs to the canvas; elsewhere Ctrl+F is the browser's own.
      if (command === 'find' && !(event.target === document.body || (event.target instanceof Node && paneRef.current?.contains(event.target)))) return;
      // Copying text the user selected on the page (an issue, a version note) is the browser's job.
      if ((command === 'copy' || command === 'cut') && (window.getSelection()?.toString() ?? '') !== '') return;
      event.preventDefault();
      latest.current.run(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const errors = validation.issues.filter((issue) => issue.severity === 'error').length;
  const tool = (command: EditorCommand, label: string, keys: string, enabled: boolean, aria = keys) => (
    <button type="button" data-testid={`btn-${command}`} title={`${label} (${keys})`} aria-keyshortcuts={aria} disabled={!enabled} onClick={() => run(command)}>
      {label}
    </button>
  );

  return (
    <main className="lf-editor" aria-label={`Editor: ${model.name}`}>
      <div className="lf-toolbar" role="toolbar" aria-label="Editor actions">
        <a href={hrefOf({ screen: 'models' })} className="lf-link">
          ← Models
        </a>
        <h1 className="lf-title" data-testid="model-title">
          {model.name}
        </h1>
        {isLive && <LiveBadge testId="editor-live-badge" />}
        <span className="lf-muted" data-testid="draft-state">
          {dirty ? 'Unsaved changes' : `Saved · revision ${shownRevision}`}
          {model.latestVersion > 0 ? ` · published v${model.latestVersion}` : ' · not published'}
        </span>
        <span className="lf-spacer" />
        {!readOnly && (
          <>
            {tool('undo', 'Undo', 'Ctrl+Z', canUndo && !diffView, 'Control+Z Meta+Z')}
            {tool('redo', 'Redo', 'Ctrl+Shift+Z', canRedo && !diffView, 'Control+Shift+Z Control+Y Meta+Shift+Z')}
            {tool('copy', 'Copy', 'Ctrl+C', hasSelection && !diffView, 'Control+C Meta+C')}
            {tool('paste', 'Paste', 'Ctrl+V', canPaste && !diffView, 'Control+V Meta+V')}
            {tool('delete', 'Delete', 'Delete', hasSelection && !diffView, 'Delete Backspace')}
            {tool('layout', 'Layout', 'Ctrl+Shift+L', graph.nodes.length > 0 && !diffView, 'Control+Shift+L Meta+Shift+L')}
            <button type="button" data-testid="btn-save" className={dirty ? 'lf-primary' : undefined} title="Save the draft (Ctrl+S)" aria-keyshortcuts="Control+S Meta+S" disabled={busy !== null} onClick={() => void save()}>
              {busy === 'save' ? 'Saving…' : 'Save draft'}
            </button>
            <button type="button" data-testid="btn-compile" title="Show the json-rules-engine rules this graph compiles to" disabled={busy !== null} onClick={() => void compile()}>
              {busy === 'compile' ? 'Compiling…' : 'Compile'}
            </button>
            <button type="button" data-testid="btn-simulate" title="Run a sample lead or a real one through the draft (saves it first)" disabled={busy !== null} onClick={() => void simulate()}>
              Simulate
            </button>
            <button
              type="button"
              data-testid="btn-publish"
              title={errors > 0 ? `Fix ${errors} error(s) first` : 'Publish the draft as a new version'}
              disabled={busy !== null || errors > 0}
              onClick={() => {
                setDialogError(null);
                setDialog({ kind: 'publish' });
              }}
            >
              Publish…
            </button>
          </>
        )}
        <button type="button" data-testid="btn-history" aria-pressed={tab === 'history'} onClick={() => setTab(tab === 'history' ? 'inspect' : 'history')}>
          History
        </button>
        <button type="button" data-testid="btn-shortcuts" title="Keyboard shortcuts" aria-label="Keyboard shortcuts" onClick={() => setDialog({ kind: 'shortcuts' })}>
          ?
        </button>
      </div>

      {conflict && (
        <div className="lf-banner lf-banner-error" role="alert" data-testid="conflict">
          <strong>Someone else saved this draft first.</strong> {conflict}
          <div className="lf-row">
            <button type="button" data-testid="conflict-reload" disabled={busy !== null} onClick={() => void resolveConflict('theirs')}>
              Load their draft (drop my changes)
            </button>
            <button type="button" data-testid="conflict-overwrite" disabled={busy !== null} onClick={() => void resolveConflict('mine')}>
              Save mine over it
            </button>
          </div>
        </div>
      )}
      {error && (
        <div className="lf-banner lf-banner-error" role="alert" data-testid="editor-error">
          {error}
          <button type="button" className="lf-link" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}
      {diffView && (
        <div className="lf-banner lf-banner-info" data-testid="diff-banner">
          Showing version {diffView.diff.to} with what changed since version {diffView.diff.from} (<span className="lf-diff-added">added</span>, <span className="lf-diff-changed">changed</span>).
          <button type="button" data-testid="diff-close" onClick={() => setDiffView(null)}>
            Back to the draft
          </button>
        </div>
      )}

      <div className="lf-workspace">
        {!readOnly && <Palette onAdd={(kind) => addNode(kind)} disabled={diffView !== null} />}
        {diffView ? (
          <DiffCanvas graph={diffView.graph} diff={diffView.diff} />
        ) : (
          <Canvas issues={issueMap} readOnly={readOnly} paneRef={paneRef} measured={measured} onMessage={say} searchRef={searchRef} onEdit={editSelected} />
        )}
        <aside className="lf-side" aria-label="Details">
          <div role="tablist" className="lf-tabs" aria-label="Side panel">
            <button type="button" role="tab" id="tab-inspect" data-testid="tab-inspect" aria-selected={tab === 'inspect'} aria-controls="panel-side" onClick={() => setTab('inspect')}>
              Inspect
            </button>
            <button type="button" role="tab" id="tab-history" data-testid="tab-history" aria-selected={tab === 'history'} aria-controls="panel-side" onClick={() => setTab('history')}>
              History ({model.versions.length})
            </button>
          </div>
          <div
            role="tabpanel"
            id="panel-side"
            aria-labelledby={`tab-${tab}`}
            className="lf-side-panel"
            ref={sideRef}
            onKeyDown={(event) => {
              // Escape from the inspector: back to the node on the canvas.
              const node = store.getState().selection.nodes[0];
              if (event.key !== 'Escape' || event.defaultPrevented || !node) return;
              event.preventDefault();
              focusElement(node);
            }}
          >
            {tab === 'inspect' ? (
              <InspectorPanel readOnly={readOnly || diffView !== null} onMessage={say} issues={validation.issues} />
            ) : (
              <HistoryPanel
                key={model.versions[0]?.version ?? 0}
                versions={model.versions}
                live={isLive}
                diff={diffView?.diff ?? null}
                busy={busy !== null}
                readOnly={readOnly}
                onShowDiff={(from, to) => void showDiff(from, to)}
                onRollback={(version) => {
                  setDialogError(null);
                  setDialog({ kind: 'rollback', version });
                }}
              />
            )}
          </div>
          <IssuesPanel issues={validation.issues} serverIssues={serverIssues} nodes={graph.nodes} onFocus={(id) => (diffView ? undefined : focusElement(id))} />
        </aside>
      </div>
      <p className="lf-status" role="status" data-testid="editor-status">
        {status}
      </p>

      {dialog?.kind === 'publish' && (
        <ChangeNoteDialog
          title="Publish a new version"
          intro={`${publishEffect(model.latestVersion + 1, isLive, liveModelId)}${dirty ? ' Your unsaved changes are saved first.' : ''}`}
          confirm="Publish"
          testId="publish"
          busy={busy !== null}
          error={dialogError}
          onConfirm={(note) => void publish(note)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'rollback' && (
        <ChangeNoteDialog
          title={`Roll back to version ${dialog.version}`}
          intro={`Publishes version ${dialog.version}'s rules again as version ${model.latestVersion + 1}, and makes them the draft.${dirty ? ' Your unsaved changes will be lost.' : ''}`}
          confirm="Roll back"
          testId="rollback"
          busy={busy !== null}
          error={dialogError}
          onConfirm={(note) => void rollback(dialog.version, note)}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'compiled' && <CompiledDialog compiled={dialog.compiled} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'shortcuts' && <ShortcutsDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === 'leave' && (
        <LeaveDialog
          busy={busy !== null}
          onStay={() => setDialog(null)}
          onDiscard={() => leaveTo(dialog.to)}
          onSave={() =>
            void save().then((revision) => {
              if (revision === null) setDialog(null);
              else leaveTo(dialog.to);
            })
          }
        />
      )}
    </main>
  );
}

/** What publishing the next version changes for scoring: only the live model's versions score events. */
export function publishEffect(version: number, isLive: boolean, liveModelId: string | null): string {
  if (isLive) return `This is the live model: version ${version} will score every new event from the moment it is published.`;
  const live = liveModelId ? `the live model "${liveModelId}"` : 'no model (none is live yet)';
  return `Version ${version} will not score events: they are scored by ${live}. Make this model live from the models list to score events with it.`;
}
