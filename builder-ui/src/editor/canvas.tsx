/**
 * The React Flow canvas over the graph store. React Flow is controlled: it gets nodes mapped from
 * the domain graph (to-flow.ts) and reports changes, which become store actions. Nodes are
 * dropped from the palette with HTML5 drag and drop; connections the rule language refuses
 * (rules/connections.ts) cannot be drawn, and the reason is told.
 */
import {
  Background,
  Controls,
  getNodesBounds,
  MiniMap,
  Panel,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useStoreApi,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type RefObject } from 'react';
import { connectionProblem } from '../../../rules/connections';
import type { GraphNode, NodeKind } from '../../../rules/graph.schema';
import type { GraphIssue } from '../../../rules/validate-graph';
import { defaultViewport, READABLE_ZOOM } from './default-viewport';
import { NODE_TYPES } from './flow-node';
import { LANE_HEADER, LaneBands } from './lane-bands';
import { DEFAULT_NODE_SIZE } from './layout';
import { directionOf, nearestInDirection } from './node-navigation';
import { NodeSearchBox } from './node-search-box';
import { NODE_SPECS } from './nodes/registry';
import { kindColour, toFlowEdges, toFlowNodes, type FlowNode } from './to-flow';
import { useGraphActions, useGraphState, useStore } from './use-graph-store';

/** The drag-and-drop type a palette item carries: the node kind. */
export const NODE_KIND_MIME = 'application/x-leadflow-node-kind';

export interface CanvasProps {
  issues: ReadonlyMap<string, readonly GraphIssue[]>;
  readOnly?: boolean;
  /** The element React Flow fills; the palette adds nodes at its centre. */
  paneRef: RefObject<HTMLDivElement | null>;
  /** Sizes React Flow measured, shared with auto-layout. */
  measured: Map<string, { width: number; height: number }>;
  /** Tells the user something: why a connection was refused. */
  onMessage: (message: string) => void;
  /** The node search box, which Ctrl+F and / focus. */
  searchRef: RefObject<HTMLInputElement | null>;
  /** Enter on a node: edit it in the inspector. */
  onEdit: () => void;
}

export function Canvas({ issues, readOnly, paneRef, measured, onMessage, searchRef, onEdit }: CanvasProps) {
  const graph = useGraphState((s) => s.graph);
  const selection = useGraphState((s) => s.selection);
  const actions = useGraphActions();
  const store = useStore();
  const addNode = useAddNode(paneRef, measured);
  const [measureTick, setMeasureTick] = useState(0);
  const cache = useRef(new Map<string, FlowNode>());
  const showDefaultView = useDefaultView();
  const focusNode = useFocusElement();
  const { getInternalNode, getNodes } = useReactFlow();
  // Tab stops at one node (the selected one, else the first); arrow keys go on from there.
  const tabStop = selection.nodes[0] ?? graph.nodes[0]?.id;

  // Open a loaded graph at its default view once; an empty canvas keeps its viewport as nodes are dropped on it.
  const initialized = useNodesInitialized();
  const [viewShown, setViewShown] = useState(() => store.getState().graph.nodes.length === 0);
  useEffect(() => {
    if (!initialized || viewShown) return;
    setViewShown(true);
    showDefaultView();
  }, [initialized, showDefaultView, viewShown]);

  const nodes = useMemo(
    () => toFlowNodes(graph, { selection, issues, measured, tabStop }, cache.current),
    // measureTick: React Flow measured a node; its size lives in `measured`.
    [graph, selection, issues, measured, measureTick, tabStop],
  );
  const edges = useMemo(() => toFlowEdges(graph, { selection, issues }), [graph, selection, issues]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const moves: Array<{ id: string; position: { x: number; y: number } }> = [];
      let selected: Set<string> | undefined;
      let resized = false;
      for (const change of changes) {
        if (change.type === 'dimensions' && change.dimensions) {
          const known = measured.get(change.id);
          if (known?.width !== change.dimensions.width || known?.height !== change.dimensions.height) {
            measured.set(change.id, change.dimensions);
            resized = true;
          }
        } else if (change.type === 'position' && change.position) {
          moves.push({ id: change.id, position: change.position });
        } else if (change.type === 'select') {
          selected ??= new Set(store.getState().selection.nodes);
          if (change.selected) selected.add(change.id);
          else selected.delete(change.id);
        }
      }
      if (resized) setMeasureTick((tick) => tick + 1);
      if (moves.length > 0 && !readOnly) actions.moveNodes(moves);
      if (selected) actions.select({ nodes: [...selected], edges: store.getState().selection.edges });
    },
    [actions, measured, readOnly, store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<Edge>[]) => {
      let selected: Set<string> | undefined;
      for (const change of changes) {
        if (change.type !== 'select') continue;
        selected ??= new Set(store.getState().selection.edges);
        if (change.selected) selected.add(change.id);
        else selected.delete(change.id);
      }
      if (selected) actions.select({ nodes: store.getState().selection.nodes, edges: [...selected] });
    },
    [actions, store],
  );

  const isValidConnection = useCallback(
    (connection: Connection | Edge) => connectionProblem(store.getState().graph, connection.source, connection.target) === undefined,
    [store],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const result = actions.connect(connection.source, connection.target);
      if (!result.ok) onMessage(result.reason);
    },
    [actions, onMessage],
  );

  // Dropping a connection on a node that refuses it: say why, in the rule language's words.
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromNode || !state.toNode) return;
      const [source, target] = state.fromHandle?.type === 'target' ? [state.toNode.id, state.fromNode.id] : [state.fromNode.id, state.toNode.id];
      const reason = connectionProblem(store.getState().graph, source, target);
      if (reason) onMessage(reason);
    },
    [onMessage, store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(NODE_KIND_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(NODE_KIND_MIME);
      if (!(kind in NODE_SPECS) || readOnly) return;
      event.preventDefault();
      addNode(kind as NodeKind, { x: event.clientX, y: event.clientY });
    },
    [addNode, readOnly],
  );

  // Arrow keys on a node move to the nearest node that way; Enter edits it. Caught before React
  // Flow's own handler, which would move the node instead.
  const onKeyDownCapture = useCallback(
    (event: KeyboardEvent) => {
      const element = event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('.react-flow__node') : null;
      const id = element?.dataset.id;
      if (!id || event.target !== element || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === 'Enter') {
        event.preventDefault();
        event.stopPropagation();
        actions.select({ nodes: [id], edges: [] });
        onEdit();
        return;
      }
      const direction = directionOf(event.key);
      if (!direction || event.shiftKey) return;
      event.preventDefault();
      event.stopPropagation();
      const boxes = getNodes().flatMap((node) => {
        const internal = getInternalNode(node.id);
        if (!internal) return [];
        const { width = DEFAULT_NODE_SIZE.width, height = DEFAULT_NODE_SIZE.height } = internal.measured;
        return [{ id: node.id, ...internal.internals.positionAbsolute, width, height }];
      });
      const from = boxes.find((box) => box.id === id);
      const next = from && nearestInDirection(from, direction, boxes);
      if (next) focusNode(next);
    },
    [actions, focusNode, getInternalNode, getNodes, onEdit],
  );

  return (
    <div className="lf-canvas" ref={paneRef} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop} onKeyDownCapture={onKeyDownCapture}>
      <ReactFlow<FlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={isValidConnection}
        onNodeDragStart={actions.beginGesture}
        onNodeDragStop={actions.endGesture}
        onSelectionDragStart={actions.beginGesture}
        onSelectionDragStop={actions.endGesture}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        // Deleting goes through the store (one undo step, connections with their nodes).
        deleteKeyCode={null}
        // Connections are reached through their nodes, not one Tab stop each.
        edgesFocusable={false}
        minZoom={0.05}
        aria-label="Rule graph"
      >
        <LaneBands graph={graph} measured={measured} />
        <Panel position="top-left">
          <NodeSearchBox ref={searchRef} onPick={(id) => focusNode(id)} onLeave={() => tabStop && focusNode(tabStop)} />
        </Panel>
        <Background />
        <MiniMap pannable zoomable nodeColor={kindColour} ariaLabel="Overview of the rule graph" style={{ width: 160, height: 110 }} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

/**
 * Adds a node of `kind` with its specification's defaults. At `clientPoint` (a drop) the node is
 * centred under the pointer; without one (palette by keyboard) it lands in the visible middle,
 * stepping down until it covers no other node.
 */
export function useAddNode(paneRef: RefObject<HTMLDivElement | null>, measured: ReadonlyMap<string, { width: number; height: number }>) {
  const { screenToFlowPosition } = useReactFlow();
  const actions = useGraphActions();
  const store = useStore();
  return useCallback(
    (kind: NodeKind, clientPoint?: { x: number; y: number }) => {
      const { graph } = store.getState();
      const box = paneRef.current?.getBoundingClientRect();
      const point = clientPoint ?? (box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : { x: 0, y: 0 });
      const at = screenToFlowPosition(point);
      let position = { x: at.x - DEFAULT_NODE_SIZE.width / 2, y: at.y - DEFAULT_NODE_SIZE.height / 2 };
      if (!clientPoint) position = freeSpot(position, graph.nodes, measured);
      const node = NODE_SPECS[kind].create({ scores: graph.scores, segments: graph.segments });
      return actions.addNode(node, position);
    },
    [actions, measured, paneRef, screenToFlowPosition, store],
  );
}

/** `start`, or the first place below it where a new node would cover no other. */
function freeSpot(start: { x: number; y: number }, nodes: readonly GraphNode[], measured: ReadonlyMap<string, { width: number; height: number }>) {
  const { width, height } = DEFAULT_NODE_SIZE;
  // A margin, as a node not measured yet may be taller than the default.
  const gap = 24;
  const covers = (y: number) =>
    nodes.some((node) => {
      const p = node.position ?? { x: 0, y: 0 };
      const size = measured.get(node.id) ?? DEFAULT_NODE_SIZE;
      return start.x < p.x + size.width + gap && p.x < start.x + width + gap && y < p.y + size.height + gap && p.y < y + height + gap;
    });
  let y = start.y;
  for (let step = 0; step < 50 && covers(y); step++) y += height / 2;
  return { x: start.x, y };
}

/** Room above the lane names for the search box over the canvas's top left corner. */
const SEARCH_ROOM = 40;
/** A node this close to the canvas's edge (or under the minimap or zoom controls) is not in view enough. */
const VIEW_MARGIN = 56;

/**
 * The view a graph opens at (default-viewport.ts): all of it if readable, else its start with the
 * lane names, at a zoom where node names are readable; also after a layout or a reloaded draft.
 */
export function useDefaultView() {
  const { getNodes, setViewport } = useReactFlow();
  const flow = useStoreApi();
  return useCallback(() => {
    const nodes = getNodes();
    if (nodes.length === 0) return;
    const bounds = getNodesBounds(nodes);
    const { width, height } = flow.getState();
    const top = LANE_HEADER + SEARCH_ROOM;
    void setViewport(defaultViewport({ ...bounds, y: bounds.y - top, height: bounds.height + top }, { width, height }));
  }, [flow, getNodes, setViewport]);
}

/**
 * Selects a node or connection and brings it into view at a readable zoom (an issue clicked in
 * the list, a node found by search, an arrow key); a node also takes the keyboard focus.
 */
export function useFocusElement() {
  const { getInternalNode, setCenter, getZoom, getViewport } = useReactFlow();
  const flow = useStoreApi();
  const actions = useGraphActions();
  const store = useStore();
  return useCallback(
    (id: string) => {
      const { graph } = store.getState();
      const edge = graph.edges.find((e) => e.id === id);
      const nodeId = edge ? edge.source : id;
      if (edge) actions.select({ nodes: [], edges: [edge.id] });
      else if (graph.nodes.some((n) => n.id === id)) actions.select({ nodes: [id], edges: [] });
      const internal = getInternalNode(nodeId);
      if (!internal) return;
      if (!edge) requestAnimationFrame(() => flow.getState().domNode?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(nodeId)}"]`)?.focus({ preventScroll: true }));
      const { width = DEFAULT_NODE_SIZE.width, height = DEFAULT_NODE_SIZE.height } = internal.measured;
      const { x, y } = internal.internals.positionAbsolute;
      // A node already in view at a readable zoom stays where it is: arrow keys should not jump the view.
      const view = getViewport();
      const pane = flow.getState();
      const inView =
        x * view.zoom + view.x >= VIEW_MARGIN &&
        y * view.zoom + view.y >= VIEW_MARGIN &&
        (x + width) * view.zoom + view.x <= pane.width - VIEW_MARGIN &&
        (y + height) * view.zoom + view.y <= pane.height - 2 * VIEW_MARGIN;
      if (inView && view.zoom >= READABLE_ZOOM) return;
      void setCenter(x + width / 2, y + height / 2, { zoom: Math.max(getZoom(), READABLE_ZOOM), duration: 250 });
    },
    [actions, flow, getInternalNode, getViewport, getZoom, setCenter, store],
  );
}
