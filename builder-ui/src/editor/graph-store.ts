/**
 * The editor's state without React: the domain rule graph being edited, what is selected, the
 * undo / redo history and the clipboard. Graphs are immutable values; every edit makes a new one,
 * so history is a list of earlier graphs and "unchanged" is a reference comparison.
 *
 * React Flow never sees this store's objects: editor/to-flow.ts maps the graph to its nodes.
 */
import { connectionProblem } from '../../../rules/connections';
import type { GraphEdge, GraphNode, RuleGraph } from '../../../rules/graph.schema';

export interface Selection {
  nodes: readonly string[];
  edges: readonly string[];
}

export interface Clipboard {
  nodes: readonly GraphNode[];
  /** Only the connections between copied nodes. */
  edges: readonly GraphEdge[];
  /** How often it was pasted: each paste lands a step further away from the originals. */
  pastes: number;
}

export interface GraphState {
  graph: RuleGraph;
  selection: Selection;
  /** Earlier graphs, oldest first. */
  past: readonly RuleGraph[];
  /** Undone graphs, the next redo last. */
  future: readonly RuleGraph[];
  clipboard: Clipboard | null;
}

export type Position = { x: number; y: number };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A node as the palette makes it: everything but its id. */
export type NewNode = DistributiveOmit<GraphNode, 'id'>;
export type ModelSettings = Pick<RuleGraph, 'name' | 'description' | 'scores' | 'segments' | 'recycle' | 'valueMaps'>;

export interface GraphStoreOptions {
  /** Undo steps kept; the oldest are forgotten beyond this. */
  historyLimit?: number;
  /** Edits of the same field of the same node closer than this are one undo step (typing a label). */
  mergeWindowMs?: number;
  now?: () => number;
}

/** How far each paste lands from the copied nodes, in canvas units. */
export const PASTE_OFFSET = 40;
const EMPTY_SELECTION: Selection = { nodes: [], edges: [] };

export type GraphStore = ReturnType<typeof createGraphStore>;
export type GraphActions = GraphStore['actions'];

export function createGraphStore(initial: RuleGraph, options: GraphStoreOptions = {}) {
  const historyLimit = options.historyLimit ?? 100;
  const mergeWindowMs = options.mergeWindowMs ?? 1000;
  const now = options.now ?? Date.now;

  let state: GraphState = { graph: initial, selection: EMPTY_SELECTION, past: [], future: [], clipboard: null };
  const listeners = new Set<() => void>();
  /** The graph before a drag began; the drag becomes one undo step when it ends. */
  let gestureBase: RuleGraph | undefined;
  /** The last edit that later edits of the same field may merge into. */
  let lastEdit: { key: string; at: number } | undefined;

  const set = (next: Partial<GraphState>) => {
    state = { ...state, ...next };
    for (const listener of listeners) listener();
  };

  /** Makes `graph` current and remembers the one it replaces, unless `merge` names the edit being continued. */
  const commit = (graph: RuleGraph, extra: Partial<GraphState> = {}, merge?: string) => {
    if (graph === state.graph) return set(extra);
    const at = now();
    const continuing = merge !== undefined && lastEdit?.key === merge && at - lastEdit.at <= mergeWindowMs && state.past.length > 0;
    lastEdit = merge === undefined ? undefined : { key: merge, at };
    const past = continuing ? state.past : [...state.past, state.graph].slice(-historyLimit);
    set({ graph, past, future: [], ...extra });
  };

  const withNodes = (nodes: GraphNode[], edges: GraphEdge[] = state.graph.edges): RuleGraph => ({ ...state.graph, nodes, edges });

  const actions = {
    /** Starts over with `graph`: no history, nothing selected. */
    load(graph: RuleGraph) {
      gestureBase = undefined;
      lastEdit = undefined;
      set({ graph, selection: EMPTY_SELECTION, past: [], future: [] });
    },

    /** Adds a node at `position` with a fresh id, selects it and returns the id. */
    addNode(node: NewNode, position: Position): string {
      const id = freshId(`${node.kind}-1`, takenIds(state.graph));
      commit(withNodes([...state.graph.nodes, { ...node, id, position: roundPosition(position) } as GraphNode]), { selection: { nodes: [id], edges: [] } });
      return id;
    },

    /** Replaces node `id` (its id is kept). Quick successive edits of one field are one undo step. */
    updateNode(id: string, next: GraphNode) {
      const index = state.graph.nodes.findIndex((node) => node.id === id);
      if (index < 0) return;
      const previous = state.graph.nodes[index] as GraphNode;
      const nodes = [...state.graph.nodes];
      nodes[index] = { ...next, id } as GraphNode;
      commit(withNodes(nodes), {}, `node:${id}:${changedKeys(previous, next).join(',')}`);
    },

    /** Changes the model's name, scores, segments or recycling policy. */
    updateSettings(patch: Partial<ModelSettings>) {
      const previous = state.graph as Record<string, unknown>;
      const keys = Object.keys(patch).filter((key) => JSON.stringify(previous[key]) !== JSON.stringify((patch as Record<string, unknown>)[key]));
      if (keys.length === 0) return;
      commit({ ...state.graph, ...patch }, {}, `settings:${keys.join(',')}`);
    },

    /** Moves nodes; during a drag (between beginGesture and endGesture) without an undo step per frame. */
    moveNodes(moves: ReadonlyArray<{ id: string; position: Position }>) {
      const to = new Map(moves.map((move) => [move.id, roundPosition(move.position)]));
      const nodes = state.graph.nodes.map((node) => {
        const position = to.get(node.id);
        return position && (position.x !== node.position?.x || position.y !== node.position?.y) ? { ...node, position } : node;
      });
      if (nodes.every((node, index) => node === state.graph.nodes[index])) return;
      if (gestureBase) set({ graph: withNodes(nodes) });
      else commit(withNodes(nodes));
    },

    beginGesture() {
      gestureBase ??= state.graph;
    },

    endGesture() {
      const base = gestureBase;
      gestureBase = undefined;
      if (!base || base === state.graph) return;
      lastEdit = undefined;
      set({ past: [...state.past, base].slice(-historyLimit), future: [] });
    },

    /** Connects two nodes, or says why they may not be (rules/connections.ts). */
    connect(source: string, target: string): { ok: true; edgeId: string } | { ok: false; reason: string } {
      const reason = connectionProblem(state.graph, source, target);
      if (reason) return { ok: false, reason };
      const edgeId = freshId('edge-1', new Set(state.graph.edges.map((edge) => edge.id)));
      commit(withNodes(state.graph.nodes, [...state.graph.edges, { id: edgeId, source, target }]));
      return { ok: true, edgeId };
    },

    /** Removes nodes (with their connections) and connections. */
    remove(target: Selection) {
      const nodeIds = new Set(target.nodes);
      const edgeIds = new Set(target.edges);
      const nodes = state.graph.nodes.filter((node) => !nodeIds.has(node.id));
      const edges = state.graph.edges.filter((edge) => !edgeIds.has(edge.id) && !nodeIds.has(edge.source) && !nodeIds.has(edge.target));
      if (nodes.length === state.graph.nodes.length && edges.length === state.graph.edges.length) return;
      commit(withNodes(nodes, edges), { selection: EMPTY_SELECTION });
    },

    removeSelected() {
      actions.remove(state.selection);
    },

    select(selection: Selection) {
      if (sameSelection(selection, state.selection)) return;
      set({ selection: { nodes: [...selection.nodes], edges: [...selection.edges] } });
    },

    selectAll() {
      actions.select({ nodes: state.graph.nodes.map((node) => node.id), edges: state.graph.edges.map((edge) => edge.id) });
    },

    /** Copies the selected nodes and the connections between them; returns how many nodes. */
    copy(): number {
      const ids = new Set(state.selection.nodes);
      if (ids.size === 0) return 0;
      const nodes = state.graph.nodes.filter((node) => ids.has(node.id));
      const edges = state.graph.edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target));
      set({ clipboard: structuredClone({ nodes, edges, pastes: 0 }) });
      return nodes.length;
    },

    cut(): number {
      const copied = actions.copy();
      if (copied > 0) actions.remove({ nodes: state.selection.nodes, edges: [] });
      return copied;
    },

    /** Pastes the clipboard with fresh ids, a step further away each time, and selects what it pasted. */
    paste(): string[] {
      const clipboard = state.clipboard;
      if (!clipboard || clipboard.nodes.length === 0) return [];
      const offset = PASTE_OFFSET * (clipboard.pastes + 1);
      const taken = takenIds(state.graph);
      const renamed = new Map<string, string>();
      const nodes = clipboard.nodes.map((node) => {
        const id = freshId(node.id, taken);
        taken.add(id);
        renamed.set(node.id, id);
        const from = node.position ?? { x: 0, y: 0 };
        return { ...structuredClone(node), id, position: { x: from.x + offset, y: from.y + offset } } as GraphNode;
      });
      const edgeIds = new Set(state.graph.edges.map((edge) => edge.id));
      const edges = clipboard.edges.map((edge) => {
        const id = freshId('edge-1', edgeIds);
        edgeIds.add(id);
        return { id, source: renamed.get(edge.source) as string, target: renamed.get(edge.target) as string };
      });
      const pasted = nodes.map((node) => node.id);
      commit(withNodes([...state.graph.nodes, ...nodes], [...state.graph.edges, ...edges]), {
        selection: { nodes: pasted, edges: edges.map((edge) => edge.id) },
        clipboard: { ...clipboard, pastes: clipboard.pastes + 1 },
      });
      return pasted;
    },

    undo() {
      const previous = state.past.at(-1);
      if (!previous) return;
      lastEdit = undefined;
      set({ graph: previous, past: state.past.slice(0, -1), future: [...state.future, state.graph], selection: keepExisting(state.selection, previous) });
    },

    redo() {
      const next = state.future.at(-1);
      if (!next) return;
      lastEdit = undefined;
      set({ graph: next, past: [...state.past, state.graph].slice(-historyLimit), future: state.future.slice(0, -1), selection: keepExisting(state.selection, next) });
    },
  };

  return {
    getState: () => state,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    actions,
  };
}

/**
 * `base` itself when free, else `base-2`, `base-3`… (a trailing number of `base` is replaced).
 * Ids stay within the schema's 64 characters.
 */
export function freshId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  const stem = base.replace(/-\d+$/, '').slice(0, 56) || 'node';
  for (let n = 1; ; n++) {
    const id = `${stem}-${n}`;
    if (!taken.has(id)) return id;
  }
}

function takenIds(graph: RuleGraph): Set<string> {
  return new Set(graph.nodes.map((node) => node.id));
}

function keepExisting(selection: Selection, graph: RuleGraph): Selection {
  const nodes = new Set(graph.nodes.map((node) => node.id));
  const edges = new Set(graph.edges.map((edge) => edge.id));
  return { nodes: selection.nodes.filter((id) => nodes.has(id)), edges: selection.edges.filter((id) => edges.has(id)) };
}

function sameSelection(a: Selection, b: Selection): boolean {
  return a.nodes.length === b.nodes.length && a.edges.length === b.edges.length && a.nodes.every((id, i) => b.nodes[i] === id) && a.edges.every((id, i) => b.edges[i] === id);
}

function changedKeys(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).sort();
}

// Drags and drops land on fractional canvas coordinates; whole numbers keep saved drafts tidy.
function roundPosition(position: Position): Position {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}
