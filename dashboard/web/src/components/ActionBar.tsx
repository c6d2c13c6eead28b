import { useState } from 'react';
import type { ActionName, RolloutInfo } from '../../../shared/api.ts';
import { api, ApiError } from '../api.ts';

interface ActionSpec {
  action: ActionName;
  label: string;
  title: string;
  kind?: 'primary' | 'danger';
  /** Why it does not apply now, or undefined when it does. */
  notNow?: (info: RolloutInfo) => string | undefined;
  confirm?: (info: RolloutInfo) => string;
}

const SPECS: ActionSpec[] = [
  { action: 'promote', label: 'Promote', title: 'Continue past the current pause or step', kind: 'primary' },
  { action: 'promote-full', label: 'Promote full', title: 'Skip every remaining step, pause and analysis' },
  { action: 'pause', label: 'Pause', title: 'Stop the rollout where it is (spec.paused)', notNow: (i) => (i.manuallyPaused ? 'already paused' : undefined) },
  { action: 'resume', label: 'Resume', title: 'Undo a pause made with Pause', notNow: (i) => (i.manuallyPaused ? undefined : 'not paused by hand') },
  { action: 'retry', label: 'Retry', title: 'Start the aborted update again', notNow: (i) => (i.aborted ? undefined : 'not aborted') },
  { action: 'restart', label: 'Restart', title: 'Restart every pod of the rollout' },
  {
    action: 'abort',
    label: 'Abort',
    title: 'Send all traffic back to the stable version',
    kind: 'danger',
    confirm: (i) => `Abort rollout "${i.name}"? All traffic goes back to the stable ReplicaSet; the new version stays in the spec until you retry or undo.`,
  },
  {
    action: 'undo',
    label: 'Undo',
    title: 'Roll back to the previous revision',
    kind: 'danger',
    confirm: (i) => `Undo rollout "${i.name}"? Its pod template goes back to the previous revision, which starts a new update.`,
  },
];

export interface Outcome {
  ok: boolean;
  message: string;
  hint?: string;
}

export function ActionBar({ info, token, readOnly, onOutcome }: { info: RolloutInfo; token: string; readOnly: boolean; onOutcome: (outcome: Outcome) => void }) {
  const [busy, setBusy] = useState<ActionName | undefined>(undefined);
  const [confirming, setConfirming] = useState<ActionSpec | undefined>(undefined);

  const run = async (spec: ActionSpec): Promise<void> => {
    setConfirming(undefined);
    setBusy(spec.action);
    try {
      const result = await api.action(info.namespace, info.name, spec.action, token);
      onOutcome({ ok: true, message: result.message });
    } catch (err) {
      if (err instanceof ApiError) onOutcome({ ok: false, message: err.message, ...(err.hint !== undefined ? { hint: err.hint } : {}) });
      else onOutcome({ ok: false, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="actions" data-testid="actions">
      {SPECS.map((spec, i) => {
        const notNow = spec.notNow?.(info);
        const disabled = readOnly || busy !== undefined || notNow !== undefined;
        const title = readOnly ? 'The dashboard runs read-only' : notNow !== undefined ? `${spec.title} (${notNow})` : spec.title;
        return (
          <button
            key={spec.action}
            type="button"
            className={`button${spec.kind ? ` button-${spec.kind}` : ''}${spec.kind === 'danger' && SPECS[i - 1]?.kind !== 'danger' ? ' button-group-start' : ''}`}
            data-testid={`action-${spec.action}`}
            disabled={disabled}
            title={title}
            onClick={() => (spec.confirm ? setConfirming(spec) : void run(spec))}
          >
            {busy === spec.action ? '…' : spec.label}
          </button>
        );
      })}
      {confirming && (
        <div className="modal-backdrop" role="presentation" onClick={() => setConfirming(undefined)}>
          <div className="modal" role="dialog" aria-modal="true" aria-labelledby="confirm-title" data-testid="confirm" onClick={(e) => e.stopPropagation()}>
            <h3 id="confirm-title">{confirming.label}</h3>
            <p>{confirming.confirm?.(info)}</p>
            <div className="modal-buttons">
              <button type="button" className="button" onClick={() => setConfirming(undefined)} autoFocus>
                Cancel
              </button>
              <button type="button" className="button button-danger" data-testid="confirm-ok" onClick={() => void run(confirming)}>
                {confirming.label}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
