/**
 * Which rows of a live list are new to the person watching it: rows that arrived after the list
 * was first shown (for this queue and status) and that they have not looked at yet (focused,
 * clicked, answered) or marked as seen.
 */
import { useCallback, useState } from 'react';

export interface NewRows {
  /** What the list is of (queue and status): another scope starts afresh. */
  scope: string;
  /** Every row id shown so far in this scope. */
  known: ReadonlySet<string>;
  /** The rows still marked new. */
  fresh: ReadonlySet<string>;
}

/** The rows after an answer listing `ids` in `scope`: the first answer in a scope marks nothing new. */
export function nextRows(before: NewRows | null, scope: string, ids: readonly string[]): NewRows {
  if (!before || before.scope !== scope) return { scope, known: new Set(ids), fresh: new Set() };
  const listed = new Set(ids);
  const fresh = new Set([...before.fresh].filter((id) => listed.has(id)));
  for (const id of ids) if (!before.known.has(id)) fresh.add(id);
  return { scope, known: new Set([...before.known, ...ids]), fresh };
}

/** The rows of `ids` (undefined while loading) marked new, and how to mark them seen. */
export function useNewRows(ids: readonly string[] | undefined, scope: string): { fresh: ReadonlySet<string>; seen: (id: string) => void; seenAll: () => void } {
  const [rows, setRows] = useState<NewRows | null>(null);
  // Taken in during render (React's "state from props" pattern): a new row is marked from the
  // first frame it shows in.
  const [taken, setTaken] = useState<string | undefined>(undefined);
  const token = ids && `${scope}\u0000${ids.join('\n')}`;
  let current = rows;
  if (ids && token !== taken) {
    current = nextRows(rows, scope, ids);
    setRows(current);
    setTaken(token);
  }
  const seen = useCallback((id: string) => setRows((before) => (before?.fresh.has(id) ? { ...before, fresh: new Set([...before.fresh].filter((f) => f !== id)) } : before)), []);
  const seenAll = useCallback(() => setRows((before) => (before && before.fresh.size > 0 ? { ...before, fresh: new Set() } : before)), []);
  return { fresh: current?.scope === scope ? current.fresh : new Set(), seen, seenAll };
}
