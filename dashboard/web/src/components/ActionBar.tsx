import type { ActionName, RolloutInfo } from '../../../shared/api.ts';
import { ariaShortcut, SHORTCUTS, type ShortcutTarget } from '../shortcuts.ts';
import type { ActionRunner, PendingAction } from '../useActions.ts';

interface ActionSpec {
  action: ActionName;
  label: string;
  title: string;
  kind?: 'primary' | 'danger';
  /** The shortcut that reaches it, when it is not the action's own. */
  shortcut?: ShortcutTarget;
  /** Why it does not apply now, or undefined when it does. */
  notNow?: (info: RolloutInfo) => string | undefined;
  confirm?: (info: RolloutInfo) => Omit<PendingAction, 'action' | 'body'>;
}

export const ACTION_SPECS: readonly ActionSpec[] = [
  { action: 'promote', label: 'Promote', title: 'Continue past the current pause or step', kind: 'primary' },
  { action: 'promote-full', label: 'Promote full', title: 'Skip every remaining step, pause and analysis' },
  { action: 'pause', label: 'Pause', title: 'Stop the rollout where it is (spec.paused)', shortcut: 'pause-resume', notNow: (i) => (i.manuallyPaused ? 'already paused' : undefined) },
  { action: 'resume', label: 'Resume', title: 'Undo a pause made with Pause', shortcut: 'pause-resume', notNow: (i) => (i.manuallyPaused ? undefined : 'not paused by hand') },
  { action: 'retry', label: 'Retry', title: 'Start the aborted update again', notNow: (i) => (i.aborted ? undefined : 'not aborted') },
  { action: 'restart', label: 'Restart', title: 'Restart every pod of the rollout' },
  {
    action: 'abort',
    label: 'Abort',
    title: 'Send all traffic back to the stable version',
    kind: 'danger',
    confirm: (i) => ({
      title: 'Abort',
      confirmLabel: 'Abort',
      message: `Abort rollout "${i.name}"? All traffic goes back to the stable ReplicaSet; the new version stays in the spec until you retry or undo.`,
    }),
  },
  {
    action: 'undo',
    label: 'Undo',
    title: 'Roll back to the previous revision',
    kind: 'danger',
    confirm: (i) => ({
      title: 'Undo',
      confirmLabel: 'Undo',
      message: `Undo rollout "${i.name}"? Its pod template goes back to the previous revision, which starts a new update.`,
    }),
  },
];

/** Why an action cannot be sent now, or undefined when it can. */
export function blockedReason(spec: ActionSpec, info: RolloutInfo, readOnly: boolean): string | undefined {
  if (readOnly) return 'the dashboard runs read-only';
  return spec.notNow?.(info);
}

/** Sends an action as its button would: asking first where the button asks. */
export function trigger(spec: ActionSpec, info: RolloutInfo, runner: ActionRunner): void {
  if (spec.confirm) runner.ask({ action: spec.action, body: {}, ...spec.confirm(info) });
  else void runner.run(spec.action);
}

export function ActionBar({ info, readOnly, runner, onHelp }: { info: RolloutInfo; readOnly: boolean; runner: ActionRunner; onHelp: () => void }) {
  return (
    <div className="actions" role="toolbar" aria-label="Rollout actions" data-testid="actions">
      {ACTION_SPECS.map((spec, i) => {
        const blocked = blockedReason(spec, info, readOnly);
        const disabled = runner.busy !== undefined || blocked !== undefined;
        const keys = ariaShortcut(spec.shortcut ?? spec.action);
        const title = `${spec.title}${blocked !== undefined ? ` (${blocked})` : ''}${keys !== undefined ? ` [${keys}]` : ''}`;
        return (
          <button
            key={spec.action}
            type="button"
            className={`button${spec.kind ? ` button-${spec.kind}` : ''}${spec.kind === 'danger' && ACTION_SPECS[i - 1]?.kind !== 'danger' ? ' button-group-start' : ''}`}
            data-testid={`action-${spec.action}`}
            disabled={disabled}
            title={title}
            aria-keyshortcuts={keys}
            onClick={() => trigger(spec, info, runner)}
          >
            {runner.busy === spec.action ? `${spec.label}…` : spec.label}
          </button>
        );
      })}
      <button type="button" className="button button-small button-help" onClick={onHelp} aria-keyshortcuts={ariaShortcut('help')} data-testid="shortcuts-button" title="Keyboard shortcuts [?]">
        Keyboard shortcuts <kbd aria-hidden="true">?</kbd>
      </button>
    </div>
  );
}

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <>
      <dl className="shortcuts" data-testid="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.key} className="shortcut">
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{s.description}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">Shortcuts are off while typing in a field. Tab reaches every button.</p>
      <div className="modal-buttons">
        <button type="button" className="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </>
  );
}
