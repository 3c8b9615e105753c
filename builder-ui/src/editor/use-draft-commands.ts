/**
 * The editor's conversation with the API about one model's draft: save (optimistic concurrency
 * on the draft revision), compile preview, publish with a change note, version diffs, roll-back,
 * and the ways out of a conflict; with the state the screen shows for them (revision, issues the
 * server found, errors, status line, busy button, open dialog).
 */
import { useCallback, useRef, useState } from 'react';
import type { CompiledModel } from '../../../engine/types';
import type { RuleGraph } from '../../../rules/graph.schema';
import type { GraphIssue } from '../../../rules/validate-graph';
import { ApiError, describeError, type ModelDetail, type ModelVersion, type ModelVersionSummary, type VersionDiff } from '../api/client';
import { navigate, type Route } from '../shell/routes';
import { useApi } from '../shell/session';
import { useDefaultView } from './canvas';
import { loadDraft } from './draft';
import type { GraphStore } from './graph-store';
import { layoutGraph } from './layout';
import { useGraphActions } from './use-graph-store';

export type Dialog = { kind: 'publish' } | { kind: 'leave'; to: Route } | { kind: 'rollback'; version: number } | { kind: 'compiled'; compiled: CompiledModel } | { kind: 'shortcuts' } | null;
export type Busy = 'save' | 'compile' | 'publish' | 'history' | 'rollback' | 'reload' | null;

/** The draft as the editor shows it: positions filled in by auto-layout where it had none. */
export function editableDraft(raw: unknown): { graph: RuleGraph; dropped: number } {
  const { graph, dropped, needsLayout } = loadDraft(raw);
  if (!needsLayout) return { graph, dropped };
  const positions = new Map(layoutGraph(graph).map((p) => [p.id, p.position]));
  return { graph: { ...graph, nodes: graph.nodes.map((node) => (node.position ? node : { ...node, position: positions.get(node.id) })) }, dropped };
}

export function useDraftCommands({ initial, store, graph, dropped }: { initial: ModelDetail; store: GraphStore; graph: RuleGraph; dropped: number }) {
  const client = useApi();
  const actions = useGraphActions();
  const showDefaultView = useDefaultView();
  const modelId = initial.modelId;
  const [model, setModel] = useState(initial);
  const revision = useRef(initial.draft.revision);
  const [shownRevision, setShownRevision] = useState(initial.draft.revision);
  const [savedGraph, setSavedGraphState] = useState(graph);
  // Read by the leave guard between renders (a save that finished just before navigating).
  const saved = useRef(graph);
  const setSavedGraph = useCallback((next: RuleGraph) => {
    saved.current = next;
    setSavedGraphState(next);
  }, []);
  /** True while the canvas holds changes the server does not have. */
  const hasUnsavedChanges = useCallback(() => store.getState().graph !== saved.current, [store]);
  const [serverIssues, setServerIssues] = useState<{ when: string; issues: readonly GraphIssue[] } | null>(() => ({ when: 'last saved draft', issues: initial.issues }));
  const [conflict, setConflict] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(dropped > 0 ? `${dropped} part(s) of the saved draft could not be shown and will be left out when you save.` : null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState<Busy>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [diffView, setDiffView] = useState<{ diff: VersionDiff; graph: RuleGraph } | null>(null);
  const say = useCallback((message: string) => setStatus(message), []);

  /** Takes what the API said went wrong: a conflict, a graph's issues, or a message. */
  const fail = useCallback((err: unknown, when: string) => {
    if (err instanceof ApiError && err.conflict) {
      setConflict(err.message);
      return;
    }
    if (err instanceof ApiError && err.issues.length > 0) setServerIssues({ when, issues: err.issues });
    setError(`Could not ${when}: ${describeError(err)}`);
  }, []);

  const replaceDraft = useCallback(
    (fresh: ModelDetail) => {
      const { graph: next } = editableDraft(fresh.draft.graph);
      actions.load(next);
      setSavedGraph(next);
      setModel(fresh);
      revision.current = fresh.draft.revision;
      setShownRevision(fresh.draft.revision);
      setServerIssues({ when: 'last saved draft', issues: fresh.issues });
      requestAnimationFrame(showDefaultView);
    },
    [actions, setSavedGraph, showDefaultView],
  );

  const save = useCallback(async (): Promise<number | null> => {
    const current = store.getState().graph;
    setBusy('save');
    setError(null);
    try {
      const saved = await client.saveDraft(modelId, revision.current, current);
      revision.current = saved.revision;
      setShownRevision(saved.revision);
      setSavedGraph(current);
      setConflict(null);
      setServerIssues({ when: 'saved', issues: saved.issues });
      say(`Draft saved (revision ${saved.revision}).`);
      return saved.revision;
    } catch (err) {
      fail(err, 'save the draft');
      return null;
    } finally {
      setBusy(null);
    }
  }, [client, fail, modelId, say, setSavedGraph, store]);

  const compile = useCallback(async () => {
    setBusy('compile');
    setError(null);
    try {
      const result = await client.compile(modelId, store.getState().graph);
      setServerIssues({ when: 'compiled', issues: result.issues });
      setDialog({ kind: 'compiled', compiled: result.compiled });
    } catch (err) {
      fail(err, 'compile');
    } finally {
      setBusy(null);
    }
  }, [client, fail, modelId, store]);

  const publish = useCallback(
    async (note: string) => {
      setBusy('publish');
      setDialogError(null);
      const at = store.getState().graph !== savedGraph ? await save() : revision.current;
      if (at === null) {
        setBusy(null);
        setDialog(null);
        return;
      }
      setBusy('publish');
      try {
        const published = await client.publish(modelId, at, note);
        setModel((m) => ({ ...m, latestVersion: published.version, versions: [summaryOf(published), ...m.versions.filter((v) => v.version !== published.version)] }));
        setServerIssues({ when: 'published', issues: [] });
        setDialog(null);
        say(`Published version ${published.version}.`);
      } catch (err) {
        if (err instanceof ApiError && err.conflict) {
          setDialog(null);
          setConflict(err.message);
        } else {
          if (err instanceof ApiError && err.issues.length > 0) setServerIssues({ when: 'publish refused', issues: err.issues });
          setDialogError(describeError(err));
        }
      } finally {
        setBusy(null);
      }
    },
    [client, modelId, save, savedGraph, say, store],
  );

  const rollback = useCallback(
    async (version: number, note: string) => {
      setBusy('rollback');
      setDialogError(null);
      try {
        const published = await client.rollback(modelId, version, note);
        replaceDraft(await client.getModel(modelId));
        setDiffView(null);
        setDialog(null);
        say(`Rolled back: version ${published.version} has the rules of version ${version}, and so does the draft.`);
      } catch (err) {
        setDialogError(describeError(err));
      } finally {
        setBusy(null);
      }
    },
    [client, modelId, replaceDraft, say],
  );

  const showDiff = useCallback(
    async (from: number, to: number) => {
      setBusy('history');
      setError(null);
      try {
        const [diff, version] = await Promise.all([client.diff(modelId, from, to), client.getVersion(modelId, to)]);
        setDiffView({ diff, graph: loadDraft(version.graph).graph });
      } catch (err) {
        fail(err, 'compare the versions');
      } finally {
        setBusy(null);
      }
    },
    [client, fail, modelId],
  );

  /** The conflict banner's ways out: take the saved draft, or save ours over it. */
  const resolveConflict = useCallback(
    async (keep: 'theirs' | 'mine') => {
      setBusy('reload');
      try {
        const fresh = await client.getModel(modelId);
        if (keep === 'theirs') {
          replaceDraft(fresh);
          setConflict(null);
          say(`Loaded the draft saved by ${fresh.draft.updatedBy} (revision ${fresh.draft.revision}).`);
          return;
        }
        revision.current = fresh.draft.revision;
        setBusy(null);
        await save();
      } catch (err) {
        fail(err, 'reload the draft');
      } finally {
        setBusy(null);
      }
    },
    [client, fail, modelId, replaceDraft, save, say],
  );

  /** The Simulate screen runs the saved draft: save what is on the canvas first. */
  const simulate = useCallback(async () => {
    if (hasUnsavedChanges() && (await save()) === null) return;
    navigate({ screen: 'simulate', modelId });
  }, [hasUnsavedChanges, modelId, save]);

  return {
    model,
    shownRevision,
    savedGraph,
    hasUnsavedChanges,
    serverIssues,
    conflict,
    error,
    setError,
    status,
    say,
    busy,
    dialog,
    setDialog,
    dialogError,
    setDialogError,
    diffView,
    setDiffView,
    save,
    compile,
    publish,
    rollback,
    showDiff,
    resolveConflict,
    simulate,
  };
}

function summaryOf({ graph: _graph, compiled: _compiled, ...summary }: ModelVersion): ModelVersionSummary {
  return summary;
}
