import { useEffect } from 'react';
import type { ActionName } from '../../../shared/api.ts';
import { api, ApiError } from '../api.ts';
import type { Outcome } from './ActionBar.tsx';

/** Sends one action and says how it went, never throwing: the answer is shown, not raised. */
export async function sendAction(namespace: string, name: string, action: ActionName, token: string): Promise<Outcome> {
  try {
    const result = await api.action(namespace, name, action, token);
    return { ok: true, message: result.message };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, message: err.message, ...(err.hint !== undefined ? { hint: err.hint } : {}) };
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** The outcome of an action, read out by screen readers (status, or alert for a failure). */
export function Toast({ outcome, onClose }: { outcome: Outcome; onClose: () => void }) {
  useEffect(() => {
    const timer = window.setTimeout(onClose, 8000);
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
