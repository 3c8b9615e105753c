/**
 * Loads what a screen shows, again whenever `deps` change or `reload` is called; an answer that
 * arrives after a newer request started is dropped, so a slow old answer never wins.
 */
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { describeError } from '../api/client';

export type Load<T> = { state: 'loading' } | { state: 'failed'; message: string; error: unknown } | { state: 'ready'; value: T };

export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): { load: Load<T>; reload: () => void; set: (value: T) => void } {
  const [state, setState] = useState<Load<T>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  // A reload keeps what is shown until the new answer comes; new deps show "loading".
  const reloading = useRef(false);

  useEffect(() => {
    let current = true;
    if (!reloading.current) setState({ state: 'loading' });
    reloading.current = false;
    latest
      .current()
      .then((value) => current && setState({ state: 'ready', value }))
      .catch((error: unknown) => current && setState({ state: 'failed', message: describeError(error), error }));
    return () => {
      current = false;
    };
    // The caller names what the load depends on, as with useEffect.
  }, [...deps, attempt]);

  const reload = useCallback(() => {
    reloading.current = true;
    setAttempt((n) => n + 1);
  }, []);
  const set = useCallback((value: T) => setState({ state: 'ready', value }), []);
  return { load: state, reload, set };
}
