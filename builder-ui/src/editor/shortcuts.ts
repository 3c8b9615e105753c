/**
 * The editor's keyboard shortcuts: one table, read by the key handler and by the help the editor
 * shows. Ctrl on Windows and Linux is Cmd on a Mac.
 */
export type EditorCommand = 'undo' | 'redo' | 'copy' | 'cut' | 'paste' | 'delete' | 'selectAll' | 'layout' | 'save' | 'find';

export const SHORTCUTS: ReadonlyArray<{ command: EditorCommand; keys: string; description: string }> = [
  { command: 'undo', keys: 'Ctrl+Z', description: 'Undo' },
  { command: 'redo', keys: 'Ctrl+Shift+Z or Ctrl+Y', description: 'Redo' },
  { command: 'copy', keys: 'Ctrl+C', description: 'Copy the selected nodes' },
  { command: 'cut', keys: 'Ctrl+X', description: 'Cut the selected nodes' },
  { command: 'paste', keys: 'Ctrl+V', description: 'Paste' },
  { command: 'delete', keys: 'Delete or Backspace', description: 'Delete the selection' },
  { command: 'selectAll', keys: 'Ctrl+A', description: 'Select everything' },
  { command: 'layout', keys: 'Ctrl+Shift+L', description: 'Lay the graph out automatically' },
  { command: 'save', keys: 'Ctrl+S', description: 'Save the draft' },
  { command: 'find', keys: 'Ctrl+F or /', description: 'Find a node by name (when the canvas has focus)' },
];

/** Keys on the canvas itself, not commands: the help lists them with the shortcuts. */
export const CANVAS_KEYS: ReadonlyArray<{ keys: string; description: string }> = [
  { keys: 'Arrow keys', description: 'Move to the nearest node that way' },
  { keys: 'Enter', description: 'Edit the selected node in the inspector' },
  { keys: 'Escape', description: 'From the inspector or the search box, back to the node on the canvas' },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The command `press` asks for, if any. */
export function commandFor(press: KeyPress): EditorCommand | undefined {
  const mod = press.ctrlKey || press.metaKey;
  const key = press.key.toLowerCase();
  if (press.altKey) return undefined;
  if (!mod) return press.shiftKey ? undefined : key === 'delete' || key === 'backspace' ? 'delete' : key === '/' ? 'find' : undefined;
  if (key === 'z') return press.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !press.shiftKey) return 'redo';
  if (key === 'l' && press.shiftKey) return 'layout';
  if (press.shiftKey) return undefined;
  return ({ c: 'copy', x: 'cut', v: 'paste', a: 'selectAll', s: 'save', f: 'find' } as const)[key as 'c'];
}

/** True when the key belongs to a field being typed in (its own undo, copy and delete). */
export function belongsToTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
