/** The editor's dialogs: publish with a change note, roll back, the compiled rules, the shortcuts, leaving with unsaved changes. */
import { useId, useState } from 'react';
import type { CompiledModel } from '../../../engine/types';
import { Modal } from '../shell/modal';
import { CANVAS_KEYS, SHORTCUTS } from './shortcuts';

/** Asks for the change note that publishing (or rolling back) requires. */
export function ChangeNoteDialog({
  title,
  intro,
  confirm,
  testId,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  intro: string;
  confirm: string;
  /** `publish` or `rollback`: the note is `<testId>-note`, the button `<testId>-confirm`, an error `<testId>-error`. */
  testId: string;
  busy: boolean;
  error: string | null;
  onConfirm: (note: string) => void;
  onClose: () => void;
}) {
  const noteId = useId();
  const [note, setNote] = useState('');
  return (
    <Modal title={title} onClose={onClose} testId={`${testId}-dialog`}>
      <form
        className="lf-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (note.trim()) onConfirm(note.trim());
        }}
      >
        <p>{intro}</p>
        <label htmlFor={noteId}>What changed, and why</label>
        <textarea id={noteId} data-testid={`${testId}-note`} rows={4} maxLength={2000} required value={note} onChange={(event) => setNote(event.target.value)} />
        {error && (
          <p className="lf-error" role="alert" data-testid={`${testId}-error`}>
            {error}
          </p>
        )}
        <div className="lf-row lf-row-end">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="lf-primary" data-testid={`${testId}-confirm`} disabled={busy || note.trim() === ''}>
            {busy ? 'Working…' : confirm}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The json-rules-engine rules and policies the graph compiles to. */
export function CompiledDialog({ compiled, onClose }: { compiled: CompiledModel; onClose: () => void }) {
  const json = JSON.stringify(compiled, null, 2);
  return (
    <Modal title="Compiled rules (json-rules-engine)" onClose={onClose} testId="compile-dialog" wide>
      <p className="lf-muted">
        {compiled.rules.length} rule{compiled.rules.length === 1 ? '' : 's'}: what the engine runs for this graph. Nothing is published.
      </p>
      <pre className="lf-json" data-testid="compiled-json" tabIndex={0} aria-label="Compiled rules as JSON">
        {json}
      </pre>
      <div className="lf-row lf-row-end">
        <button type="button" onClick={() => void navigator.clipboard?.writeText(json)}>
          Copy JSON
        </button>
        <button type="button" className="lf-primary" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      <table className="lf-table">
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.command}>
              <td>
                <kbd>{shortcut.keys}</kbd>
              </td>
              <td>{shortcut.description}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>Tab</kbd>
            </td>
            <td>Move to the canvas (one stop: the selected node), a palette item, the inspector</td>
          </tr>
          {CANVAS_KEYS.map((entry) => (
            <tr key={entry.keys}>
              <td>
                <kbd>{entry.keys}</kbd>
              </td>
              <td>{entry.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="lf-muted">On a Mac, Cmd instead of Ctrl. Connect nodes from the keyboard with "Lead to" in the inspector.</p>
    </Modal>
  );
}

/** Asked before leaving the editor with unsaved changes (a link, the back button). */
export function LeaveDialog({ busy, onStay, onDiscard, onSave }: { busy: boolean; onStay: () => void; onDiscard: () => void; onSave: () => void }) {
  return (
    <Modal title="Leave with unsaved changes?" onClose={onStay} testId="leave-dialog">
      <p>This draft has changes that are not saved. Leaving without saving drops them.</p>
      <div className="lf-row lf-row-end">
        <button type="button" data-testid="leave-stay" onClick={onStay}>
          Stay
        </button>
        <button type="button" data-testid="leave-discard" disabled={busy} onClick={onDiscard}>
          Leave without saving
        </button>
        <button type="button" className="lf-primary" data-testid="leave-save" disabled={busy} onClick={onSave}>
          {busy ? 'Saving…' : 'Save draft and leave'}
        </button>
      </div>
    </Modal>
  );
}
