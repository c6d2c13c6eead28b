/** What kubectl-ramp prints and the dashboard answers when a write action has been sent. */
const DONE: Record<'promote' | 'promote-full' | 'pause' | 'resume' | 'abort' | 'retry', string> = {
  promote: 'promoted',
  'promote-full': 'fully promoted',
  pause: 'paused',
  resume: 'resumed',
  abort: 'aborted',
  retry: 'retried',
};

export type DoneAction = keyof typeof DONE;

export function actionDoneMessage(action: DoneAction, name: string): string {
  return `rollout '${name}' ${DONE[action]}`;
}

/** `after` as the user wrote it ("30s"), or "now". */
export function restartMessage(name: string, after: string): string {
  return after === 'now' ? `rollout '${name}' restarts now` : `rollout '${name}' restarts in ${after}`;
}

/** `kind` is the object whose template changed: Rollout, or the Deployment a workloadRef names. */
export function imageUpdatedMessage(kind: string, name: string): string {
  return `${kind.toLowerCase()} "${name}" image updated`;
}
