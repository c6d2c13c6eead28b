import type { PauseView, RolloutInfo, StepView } from '../../../shared/api.ts';
import { clock, durationText } from '../format.ts';
import { routeHref } from '../routes.ts';

const ICONS: Record<string, string> = {
  setWeight: '%',
  pause: '‖',
  analysis: '∿',
  experiment: '⚗',
  setCanaryScale: '⤢',
  setHeaderRoute: '⇢',
  setMirrorRoute: '⇉',
  plugin: '⚙',
  unknown: '?',
};

function stepText(step: StepView): string {
  if (step.kind === 'setWeight') return step.label.replace('setWeight: ', '') + '%';
  if (step.kind === 'pause') return step.durationSeconds !== undefined ? durationText(step.durationSeconds) : 'until promoted';
  return step.label;
}

function stepTitle(step: StepView): string {
  if (step.kind === 'setWeight') return 'Set weight';
  if (step.kind === 'pause') return 'Pause';
  return step.kind.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

/** Where the pause stands: a countdown when it ends by itself, else what it waits for. */
export function PauseStatus({ pause, now, manuallyPaused }: { pause?: PauseView; now: number; manuallyPaused: boolean }) {
  if (pause === undefined) return manuallyPaused ? <div className="pause-note" data-testid="pause-status">Paused by hand: resume to continue</div> : null;
  const reason = pause.reason.replace(/([A-Z])/g, ' $1').trim();
  if (pause.endsAt !== undefined) {
    const remaining = (Date.parse(pause.endsAt) - now) / 1000;
    return (
      <div className="pause-note" data-testid="pause-status">
        <strong>{reason}</strong>: {remaining > 0 ? <>continues in <span className="countdown">{clock(remaining)}</span></> : 'continuing…'}
      </div>
    );
  }
  return (
    <div className="pause-note" data-testid="pause-status">
      <strong>{reason}</strong>: waiting to be promoted
    </div>
  );
}

export function StepTrack({ steps, info, pause, now }: { steps: StepView[]; info: RolloutInfo; pause?: PauseView; now: number }) {
  if (steps.length === 0) return <p className="muted">This canary has no steps: each update goes straight to 100%.</p>;
  const finished = (info.currentStepIndex ?? 0) >= steps.length;
  return (
    <div>
      <ol className="steps" data-testid="steps" data-current={finished ? steps.length : (info.currentStepIndex ?? 0)}>
        {steps.map((step) => {
          const current = step.state === 'current';
          let countdown: string | undefined;
          if (current && step.kind === 'pause' && pause?.endsAt !== undefined) {
            countdown = clock((Date.parse(pause.endsAt) - now) / 1000);
          }
          return (
            <li key={step.index} className={`step step-${step.state}${info.aborted && current ? ' step-aborted' : ''}`} data-testid={`step-${step.index}`} data-state={step.state}>
              <span className="step-marker" aria-hidden="true">
                {step.state === 'done' ? '✓' : ICONS[step.kind] ?? '?'}
              </span>
              <span className="step-body">
                <span className="step-title">
                  {step.index + 1}. {stepTitle(step)}
                </span>
                <span className="step-text">{stepText(step)}</span>
                {step.experiment !== undefined && (
                  <a className="step-link" href={routeHref({ page: 'experiment', namespace: info.namespace, name: step.experiment })} data-testid="step-experiment">
                    {step.experiment}
                  </a>
                )}
                {countdown !== undefined && <span className="countdown">{countdown}</span>}
              </span>
            </li>
          );
        })}
        <li className={`step step-${finished ? 'current' : 'pending'} step-end`} data-testid="step-end" data-state={finished ? 'current' : 'pending'}>
          <span className="step-marker" aria-hidden="true">
            ★
          </span>
          <span className="step-body">
            <span className="step-title">Done</span>
            <span className="step-text">100%</span>
          </span>
        </li>
      </ol>
    </div>
  );
}
