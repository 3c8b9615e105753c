// @vitest-environment happy-dom
import { act, cleanup, render, renderHook, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ruleGraphSchema, type GraphNode, type RuleGraph } from '../../../rules/graph.schema';
import { b2bDefaultGraph } from '../../../rules/templates';
import { validateGraph } from '../../../rules/validate-graph';
import { createGraphStore, freshId, PASTE_OFFSET, type GraphStoreOptions } from './graph-store';
import { GraphStoreProvider, useGraphActions, useGraphState } from './use-graph-store';

afterEach(cleanup);

const small: RuleGraph = ruleGraphSchema.parse({
  name: 'Small',
  scores: [{ id: 'engagement', label: 'Engagement' }],
  nodes: [
    { id: 'visit', kind: 'trigger', eventTypes: ['page_view'], position: { x: 0, y: 0 } },
    { id: 'pricing', kind: 'condition', match: 'all', conditions: [{ fact: 'event.url', operator: 'startsWith', value: '/pricing' }], position: { x: 280, y: 0 } },
    { id: 'pricing-points', kind: 'points', score: 'engagement', points: 20, position: { x: 560, y: 0 } },
  ],
  edges: [
    { id: 'e1', source: 'visit', target: 'pricing' },
    { id: 'e2', source: 'pricing', target: 'pricing-points' },
  ],
});

/** A store whose clock the test moves. */
function storeWith(graph: RuleGraph = small, options: GraphStoreOptions = {}) {
  let time = 0;
  const store = createGraphStore(graph, { now: () => time, ...options });
  return { store, actions: store.actions, state: () => store.getState(), tick: (ms: number) => (time += ms) };
}

const node = (graph: RuleGraph, id: string) => graph.nodes.find((n) => n.id === id) as GraphNode;
const points = (graph: RuleGraph, id: string) => (node(graph, id) as Extract<GraphNode, { kind: 'points' }>).points;

describe('graph store: undo and redo', () => {
  it('undoes and redoes each edit, and a new edit forgets what was undone', () => {
    const { actions, state, tick } = storeWith();
    const id = actions.addNode({ kind: 'points', score: 'engagement', points: 5 }, { x: 10.4, y: 20.6 });
    expect(id).toBe('points-1');
    expect(node(state().graph, id).position).toEqual({ x: 10, y: 21 });
    tick(5000);
    actions.updateNode('pricing-points', { ...node(state().graph, 'pricing-points'), points: 25 } as GraphNode);
    expect(state().past).toHaveLength(2);

    actions.undo();
    expect(points(state().graph, 'pricing-points')).toBe(20);
    actions.undo();
    expect(state().graph).toBe(small);
    actions.undo();
    expect(state().graph).toBe(small);

    actions.redo();
    expect(state().graph.nodes.map((n) => n.id)).toContain('points-1');
    actions.redo();
    expect(points(state().graph, 'pricing-points')).toBe(25);
    expect(state().future).toHaveLength(0);

    actions.undo();
    actions.remove({ nodes: ['visit'], edges: [] });
    expect(state().future).toHaveLength(0);
    actions.redo();
    expect(node(state().graph, 'visit')).toBeUndefined();
  });

  it('makes quick edits of one field one undo step, but not edits of different fields or far apart', () => {
    const { actions, state, tick } = storeWith();
    const label = (text: string) => actions.updateNode('visit', { ...node(state().graph, 'visit'), label: text } as GraphNode);
    label('P');
    tick(100);
    label('Pa');
    tick(100);
    label('Page');
    expect(state().past).toHaveLength(1);
    tick(100);
    actions.updateNode('visit', { ...node(state().graph, 'visit'), eventTypes: ['page_view', 'form_submit'] } as GraphNode);
    expect(state().past).toHaveLength(2);
    tick(5000);
    label('Page view');
    expect(state().past).toHaveLength(3);

    actions.undo();
    expect(node(state().graph, 'visit').label).toBe('Page');
    actions.undo();
    actions.undo();
    expect(node(state().graph, 'visit').label).toBeUndefined();
  });

  it('records a whole drag as one step, however many frames it had', () => {
    const { actions, state } = storeWith();
    actions.beginGesture();
    for (let x = 1; x <= 30; x++) actions.moveNodes([{ id: 'visit', position: { x, y: x } }]);
    expect(state().past).toHaveLength(0);
    actions.endGesture();
    expect(state().past).toHaveLength(1);
    expect(node(state().graph, 'visit').position).toEqual({ x: 30, y: 30 });
    actions.undo();
    expect(node(state().graph, 'visit').position).toEqual({ x: 0, y: 0 });

    actions.beginGesture();
    actions.endGesture();
    expect(state().past).toHaveLength(0);
  });

  it('keeps at most the history limit, forgetting the oldest steps', () => {
    const { actions, state, tick } = storeWith(small, { historyLimit: 3 });
    for (let value = 1; value <= 5; value++) {
      tick(5000);
      actions.updateNode('pricing-points', { ...node(state().graph, 'pricing-points'), points: value } as GraphNode);
    }
    expect(state().past).toHaveLength(3);
    for (let i = 0; i < 5; i++) actions.undo();
    expect(points(state().graph, 'pricing-points')).toBe(2);
    for (let i = 0; i < 5; i++) actions.redo();
    expect(points(state().graph, 'pricing-points')).toBe(5);
  });

  it('drops from the selection what an undo removes', () => {
    const { actions, state } = storeWith();
    const id = actions.addNode({ kind: 'decay', score: 'engagement', channel: 'any', rule: { mode: 'step', amount: 10, everyDays: 30 }, floor: 0 }, { x: 0, y: 300 });
    expect(state().selection.nodes).toEqual([id]);
    actions.undo();
    expect(state().selection.nodes).toEqual([]);
  });

  it('starts over on load', () => {
    const { actions, state } = storeWith();
    actions.removeSelected();
    actions.remove({ nodes: ['visit'], edges: [] });
    const other = ruleGraphSchema.parse(b2bDefaultGraph);
    actions.load(other);
    expect(state()).toMatchObject({ graph: other, past: [], future: [], selection: { nodes: [], edges: [] } });
  });
});

describe('graph store: connections and removal', () => {
  it('connects what the rule language allows and says why not otherwise', () => {
    const { actions, state } = storeWith();
    expect(actions.connect('pricing-points', 'visit')).toEqual({ ok: false, reason: 'A points node cannot lead to a trigger node.' });
    expect(actions.connect('visit', 'pricing')).toMatchObject({ ok: false, reason: expect.stringMatching(/already/) });
    expect(state().past).toHaveLength(0);
    expect(actions.connect('visit', 'pricing-points')).toEqual({ ok: true, edgeId: 'edge-1' });
    expect(state().graph.edges.at(-1)).toEqual({ id: 'edge-1', source: 'visit', target: 'pricing-points' });
  });

  it('removes a node with its connections, or a single connection', () => {
    const { actions, state } = storeWith();
    actions.select({ nodes: [], edges: ['e2'] });
    actions.removeSelected();
    expect(state().graph.edges.map((e) => e.id)).toEqual(['e1']);
    actions.remove({ nodes: ['pricing'], edges: [] });
    expect(state().graph.nodes.map((n) => n.id)).toEqual(['visit', 'pricing-points']);
    expect(state().graph.edges).toEqual([]);
  });
});

describe('graph store: copy and paste', () => {
  it('pastes copies with fresh ids, offset a step further each time, with the connections between them', () => {
    const { actions, state } = storeWith();
    actions.select({ nodes: ['pricing', 'pricing-points'], edges: [] });
    expect(actions.copy()).toBe(2);

    const first = actions.paste();
    expect(first).toEqual(['pricing-1', 'pricing-points-1']);
    expect(node(state().graph, 'pricing-1').position).toEqual({ x: 280 + PASTE_OFFSET, y: PASTE_OFFSET });
    expect(state().graph.edges.at(-1)).toEqual({ id: 'edge-1', source: 'pricing-1', target: 'pricing-points-1' });
    expect(state().selection).toEqual({ nodes: first, edges: ['edge-1'] });

    const second = actions.paste();
    expect(second).toEqual(['pricing-2', 'pricing-points-2']);
    expect(node(state().graph, 'pricing-points-2').position).toEqual({ x: 560 + 2 * PASTE_OFFSET, y: 2 * PASTE_OFFSET });

    const ids = state().graph.nodes.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Only the connection between copied nodes comes along, not the one from "visit".
    expect(state().graph.edges).toHaveLength(4);
    expect(ruleGraphSchema.safeParse(state().graph).success).toBe(true);
    expect(validateGraph(state().graph).issues.filter((i) => i.code === 'duplicate_id')).toEqual([]);
  });

  it('copies values, not references: editing a paste leaves the original alone', () => {
    const { actions, state } = storeWith();
    actions.select({ nodes: ['pricing'], edges: [] });
    actions.copy();
    const [pasted] = actions.paste();
    const copy = node(state().graph, pasted!) as Extract<GraphNode, { kind: 'condition' }>;
    expect(copy.conditions).not.toBe((node(small, 'pricing') as typeof copy).conditions);
    expect(copy.conditions).toEqual((node(small, 'pricing') as typeof copy).conditions);
  });

  it('pastes nothing when nothing was copied, and undoes a paste in one step', () => {
    const { actions, state } = storeWith();
    expect(actions.copy()).toBe(0);
    expect(actions.paste()).toEqual([]);
    actions.select({ nodes: ['visit'], edges: [] });
    actions.copy();
    actions.paste();
    actions.undo();
    expect(state().graph).toBe(small);
  });

  it('cuts: copies, then removes, and pastes back at an offset', () => {
    const { actions, state } = storeWith();
    actions.select({ nodes: ['pricing-points'], edges: [] });
    expect(actions.cut()).toBe(1);
    expect(node(state().graph, 'pricing-points')).toBeUndefined();
    expect(actions.paste()).toEqual(['pricing-points']);
    expect(node(state().graph, 'pricing-points').position).toEqual({ x: 560 + PASTE_OFFSET, y: PASTE_OFFSET });
  });

  it('keeps fresh ids within the schema limit', () => {
    const long = 'n'.repeat(64);
    const id = freshId(long, new Set([long]));
    expect(id.length).toBeLessThanOrEqual(64);
    expect(id).toMatch(/^n+-1$/);
  });
});

describe('graph store: React binding', () => {
  it('re-renders state readers on change, through separate state and actions hooks', async () => {
    const { store } = storeWith();
    const wrapper = ({ children }: { children: ReactNode }) => <GraphStoreProvider store={store}>{children}</GraphStoreProvider>;
    function Counter() {
      const count = useGraphState((s) => s.graph.nodes.length);
      const canUndo = useGraphState((s) => s.past.length > 0);
      const { addNode, undo } = useGraphActions();
      return (
        <>
          <output data-testid="count">{count}</output>
          <button onClick={() => addNode({ kind: 'route', team: 'Sales', queue: 'sales', owners: [], strategy: 'queue', slaHours: 24, maxEscalations: 1 }, { x: 0, y: 0 })}>add</button>
          <button disabled={!canUndo} onClick={undo}>
            undo
          </button>
        </>
      );
    }
    render(<Counter />, { wrapper });
    const user = userEvent.setup();
    expect(screen.getByTestId('count').textContent).toBe('3');
    await user.click(screen.getByText('add'));
    expect(screen.getByTestId('count').textContent).toBe('4');
    await user.click(screen.getByText('undo'));
    expect(screen.getByTestId('count').textContent).toBe('3');
    expect((screen.getByText('undo') as HTMLButtonElement).disabled).toBe(true);

    const { result } = renderHook(() => useGraphActions(), { wrapper });
    expect(result.current).toBe(store.actions);
    act(() => result.current.selectAll());
    expect(store.getState().selection.nodes).toHaveLength(3);
  });

  it('refuses to run without a provider', () => {
    expect(() => renderHook(() => useGraphActions())).toThrow(/GraphStoreProvider/);
  });
});
