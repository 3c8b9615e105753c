/**
 * The node kinds a marketer can add: drag one onto the canvas, or press Enter (or click) to add
 * it in the middle of the view.
 */
import type { NodeKind } from '../../../rules/graph.schema';
import { NODE_KIND_MIME } from './canvas';
import { NODE_KINDS, NODE_SPECS } from './nodes/registry';

export function Palette({ onAdd, disabled }: { onAdd: (kind: NodeKind) => void; disabled?: boolean }) {
  return (
    <nav className="lf-palette" aria-label="Node kinds">
      <h2>Add</h2>
      <p className="lf-muted">Drag onto the canvas, or press Enter.</p>
      <ul>
        {NODE_KINDS.map((kind) => {
          const spec = NODE_SPECS[kind];
          return (
            <li key={kind}>
              <button
                type="button"
                className="lf-palette-item"
                data-testid={`palette-${kind}`}
                draggable={!disabled}
                disabled={disabled}
                title={spec.help}
                aria-label={`Add a ${spec.title.toLowerCase()} node: ${spec.help}`}
                style={{ borderLeftColor: spec.colour }}
                onDragStart={(event) => {
                  event.dataTransfer.setData(NODE_KIND_MIME, kind);
                  event.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => onAdd(kind)}
              >
                {spec.title}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
