import { describe, expect, it } from 'vitest';
import { commandFor, SHORTCUTS, type KeyPress } from './shortcuts';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('commandFor', () => {
  it('maps the documented shortcuts, with Ctrl or Cmd', () => {
    expect(commandFor(press('z', { ctrlKey: true }))).toBe('undo');
    expect(commandFor(press('z', { metaKey: true }))).toBe('undo');
    expect(commandFor(press('Z', { ctrlKey: true, shiftKey: true }))).toBe('redo');
    expect(commandFor(press('y', { ctrlKey: true }))).toBe('redo');
    expect(commandFor(press('c', { metaKey: true }))).toBe('copy');
    expect(commandFor(press('x', { ctrlKey: true }))).toBe('cut');
    expect(commandFor(press('v', { ctrlKey: true }))).toBe('paste');
    expect(commandFor(press('a', { ctrlKey: true }))).toBe('selectAll');
    expect(commandFor(press('L', { ctrlKey: true, shiftKey: true }))).toBe('layout');
    expect(commandFor(press('s', { ctrlKey: true }))).toBe('save');
    expect(commandFor(press('Delete'))).toBe('delete');
    expect(commandFor(press('Backspace'))).toBe('delete');
    expect(commandFor(press('f', { ctrlKey: true }))).toBe('find');
    expect(commandFor(press('/'))).toBe('find');
  });

  it('ignores plain typing and other combinations', () => {
    expect(commandFor(press('z'))).toBeUndefined();
    expect(commandFor(press('l', { ctrlKey: true }))).toBeUndefined();
    expect(commandFor(press('c', { ctrlKey: true, shiftKey: true }))).toBeUndefined();
    expect(commandFor(press('z', { ctrlKey: true, altKey: true }))).toBeUndefined();
    expect(commandFor(press('Delete', { shiftKey: true }))).toBeUndefined();
    expect(commandFor(press('f'))).toBeUndefined();
    expect(commandFor(press('F', { ctrlKey: true, shiftKey: true }))).toBeUndefined();
  });

  it('documents every command it knows', () => {
    expect(new Set(SHORTCUTS.map((s) => s.command)).size).toBe(SHORTCUTS.length);
  });
});
