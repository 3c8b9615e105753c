/**
 * The React binding of the graph store: one provider, a state hook that re-renders only when the
 * selected slice changes, and an actions hook that never re-renders.
 */
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { GraphActions, GraphState, GraphStore } from './graph-store';

const StoreContext = createContext<GraphStore | null>(null);

export function GraphStoreProvider({ store, children }: { store: GraphStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/**
 * A slice of the editor state. The selector must return something already in the state (or a
 * primitive), not a new object per call; derive further with useMemo.
 */
export function useGraphState<T>(selector: (state: GraphState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}

export function useGraphActions(): GraphActions {
  return useStore().actions;
}

/** The store itself, for handlers that read the latest state when they run. */
export function useStore(): GraphStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useGraphState / useGraphActions need a GraphStoreProvider above them');
  return store;
}
