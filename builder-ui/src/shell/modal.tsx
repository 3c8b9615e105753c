/**
 * A modal dialog: focus moves into it and comes back when it closes, Escape closes it, and Tab
 * stays inside it.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function Modal({ title, onClose, children, testId, wide }: { title: string; onClose: () => void; children: ReactNode; testId: string; wide?: boolean }) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('[autofocus], textarea, input, select, button:not([data-close])');
    (first ?? box.current)?.focus();
    return () => before?.focus?.();
  }, []);

  return (
    <div className="lf-backdrop" onMouseDown={(event) => event.target === event.currentTarget && close.current()}>
      <div
        ref={box}
        className={`lf-modal${wide ? ' lf-modal-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        tabIndex={-1}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            close.current();
          } else if (event.key === 'Tab') trapTab(event.nativeEvent, box.current);
        }}
      >
        <header className="lf-modal-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="lf-link" data-close aria-label="Close" data-testid={`${testId}-close`} onClick={() => close.current()}>
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

function trapTab(event: KeyboardEvent, box: HTMLElement | null) {
  if (!box) return;
  const focusable = [...box.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')].filter((el) => !el.hasAttribute('disabled'));
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
