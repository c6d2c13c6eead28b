import { useCallback, useState } from 'react';
import type { ActionName } from '../../shared/api.ts';
import { api, ApiError } from './api.ts';

export interface Outcome {
  ok: boolean;
  message: string;
  hint?: string;
}

/** An action waiting for the person to confirm it. */
export interface PendingAction {
  action: ActionName;
  body: Record<string, unknown>;
  title: string;
  message: string;
  confirmLabel: string;
}

export interface ActionRunner {
  busy: ActionName | undefined;
  pending: PendingAction | undefined;
  /** Sends the action now. */
  run(action: ActionName, body?: Record<string, unknown>): Promise<void>;
  /** Asks first; `confirm()` sends it, `cancel()` drops it. */
  ask(pending: PendingAction): void;
  confirm(): void;
  cancel(): void;
}

/** Sends one action and says how it went, never throwing: the answer is shown, not raised. */
export async function sendAction(namespace: string, name: string, action: ActionName, token: string, body: Record<string, unknown> = {}): Promise<Outcome> {
  try {
    const result = await api.action(namespace, name, action, token, body);
    return { ok: true, message: result.message };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, message: err.message, ...(err.hint !== undefined ? { hint: err.hint } : {}) };
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** One place that sends the rollout page's actions, so buttons, forms and keys report alike. */
export function useActions(namespace: string, name: string, token: string, onOutcome: (outcome: Outcome) => void): ActionRunner {
  const [busy, setBusy] = useState<ActionName | undefined>(undefined);
  const [pending, setPending] = useState<PendingAction | undefined>(undefined);

  const run = useCallback(
    async (action: ActionName, body: Record<string, unknown> = {}): Promise<void> => {
      setPending(undefined);
      setBusy(action);
      onOutcome(await sendAction(namespace, name, action, token, body));
      setBusy(undefined);
    },
    [namespace, name, token, onOutcome],
  );

  return {
    busy,
    pending,
    run,
    ask: setPending,
    confirm: () => {
      if (pending !== undefined) void run(pending.action, pending.body);
    },
    cancel: () => setPending(undefined),
  };
}
