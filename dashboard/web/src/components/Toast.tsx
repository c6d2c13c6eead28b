import { useEffect } from 'react';
import type { Outcome } from '../useActions.ts';

/**
 * The outcome of an action, read out by screen readers (status, or alert for a failure). A
 * success goes by itself after a while; a failure stays until dismissed.
 */
export function Toast({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  useEffect(() => {
    if (!outcome.ok) return undefined;
    const timer = window.setTimeout(onClose, 6000);
    return () => window.clearTimeout(timer);
  }, [outcome, onClose]);
  return (
    <div className={`toast ${outcome.ok ? 'toast-ok' : 'toast-bad'}`} role={outcome.ok ? 'status' : 'alert'} data-testid="toast" data-ok={String(outcome.ok)}>
      <span aria-hidden="true">{outcome.ok ? '✓' : '✕'}</span>
      <strong>{outcome.message}</strong>
      {outcome.hint && <span> — {outcome.hint}</span>}
      <button type="button" className="toast-close" aria-label="Dismiss message" onClick={onClose}>
        ×
      </button>
    </div>
  );
}
