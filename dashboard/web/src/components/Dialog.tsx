import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog: focus moves into it and returns where it was when it closes, Escape and a click
 * outside close it, and Tab stays inside.
 */
export function Dialog({ title, onClose, children, testId, wide }: { title: string; onClose: () => void; children: ReactNode; testId: string; wide?: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('[autofocus], button, input, select, [tabindex]');
    first?.focus();
    return () => previous?.focus();
  }, []);
  const onKeyDown = (e: React.KeyboardEvent): void => {
    e.stopPropagation();
    if (e.key === 'Escape') {
      onClose();
      return;
    }
    if (e.key !== 'Tab') return;
    const focusable = [...(box.current?.querySelectorAll<HTMLElement>('button, input, select, a[href], [tabindex]:not([tabindex="-1"])') ?? [])];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first?.focus();
    }
  };
  const titleId = `${testId}-title`;
  return (
    <div className="modal-backdrop" role="presentation" onClick={onClose}>
      <div ref={box} className={`modal${wide ? ' modal-wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId} data-testid={testId} onClick={(e) => e.stopPropagation()} onKeyDown={onKeyDown}>
        <h3 id={titleId}>{title}</h3>
        {children}
      </div>
    </div>
  );
}
