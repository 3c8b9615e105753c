/**
 * The canvas's search box: type part of a node's name (or id, kind, summary), pick from the list
 * with the arrow keys or the mouse, and Enter selects the node and brings it into view. Escape
 * leaves the box. Ctrl+F or / focus it (editor-screen.tsx).
 */
import { forwardRef, useId, useMemo, useState } from 'react';
import { searchNodes } from './node-search';
import { useGraphState } from './use-graph-store';

export const NodeSearchBox = forwardRef<HTMLInputElement, { onPick: (id: string) => void; onLeave: () => void }>(function NodeSearchBox({ onPick, onLeave }, ref) {
  const nodes = useGraphState((s) => s.graph.nodes);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const listId = useId();
  const matches = useMemo(() => searchNodes(nodes, query), [nodes, query]);
  const shown = open && query.trim() !== '';

  const pick = (id: string) => {
    setOpen(false);
    onPick(id);
  };

  return (
    <div className="lf-node-search" role="search">
      <input
        ref={ref}
        type="search"
        data-testid="node-search"
        aria-label="Find a node by name"
        placeholder="Find a node (Ctrl+F or /)"
        role="combobox"
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && matches[active] ? `${listId}-${active}` : undefined}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            if (matches.length > 0) setActive((i) => (i + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length);
          } else if (event.key === 'Enter') {
            event.preventDefault();
            const match = matches[active];
            if (match) pick(match.id);
          } else if (event.key === 'Escape') {
            event.preventDefault();
            setOpen(false);
            onLeave();
          }
        }}
      />
      {shown && (
        <ul role="listbox" id={listId} data-testid="node-search-results" aria-label="Nodes found">
          {matches.length === 0 && <li className="lf-muted">No node matches “{query.trim()}”.</li>}
          {matches.map((match, i) => (
            <li
              key={match.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              data-testid={`node-search-result-${match.id}`}
              // Before the input's blur closes the list.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(match.id);
              }}
            >
              <strong>{match.name}</strong> <span className="lf-muted">· {match.kind}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
