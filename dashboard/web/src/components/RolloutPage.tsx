import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { STREAM_EVENTS, type RolloutDetail } from '../../../shared/api.ts';
import { api, ApiError, rolloutPath, useEventStream, type StreamState } from '../api.ts';
import { shortImage } from '../format.ts';
import { useNow } from '../hooks.ts';
import { shortcutOf } from '../shortcuts.ts';
import { useActions, type Outcome } from '../useActions.ts';
import { ACTION_SPECS, ActionBar, blockedReason, ShortcutHelp, trigger } from './ActionBar.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { Dialog } from './Dialog.tsx';
import { SetImageForm } from './SetImageForm.tsx';
import { AnalysisPanel } from './AnalysisPanel.tsx';
import { EventList } from './EventList.tsx';
import { ReplicaSetTable } from './ReplicaSetTable.tsx';
import { RevisionTimeline } from './RevisionTimeline.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { Toast } from './Toast.tsx';
import { PauseStatus, StepTrack } from './StepTrack.tsx';
import { WeightChart } from './WeightChart.tsx';

function Section({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

function BlueGreenState({ detail }: { detail: RolloutDetail }) {
  const { info } = detail;
  return (
    <dl className="facts">
      <dt>Active</dt>
      <dd className="mono">{info.activeSelector || '—'}</dd>
      <dt>Preview</dt>
      <dd className="mono">{info.previewSelector || '—'}</dd>
      <dt>Auto-promotion</dt>
      <dd>{info.autoPromotionEnabled ? (info.autoPromotionSeconds !== undefined ? `after ${info.autoPromotionSeconds}s` : 'when the preview is ready') : 'off: promote by hand'}</dd>
    </dl>
  );
}

export function RolloutPage({
  namespace,
  name,
  token,
  readOnly,
  onStream,
}: {
  namespace: string;
  name: string;
  token: string;
  readOnly: boolean;
  onStream: (state: StreamState) => void;
}) {
  const [detail, setDetail] = useState<RolloutDetail | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const closeToast = useCallback(() => setOutcome(undefined), []);
  const [skew, setSkew] = useState(0);
  const [help, setHelp] = useState(false);
  const imageField = useRef<HTMLInputElement>(null);
  const now = useNow() + skew;
  const runner = useActions(namespace, name, token, setOutcome);

  const accept = useCallback((value: RolloutDetail) => {
    setDetail(value);
    setError(undefined);
    setSkew(Date.parse(value.serverTime) - Date.now());
  }, []);

  useEffect(() => {
    setDetail(undefined);
    setOutcome(undefined);
    api.rollout(namespace, name).then(accept, (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))));
  }, [namespace, name, accept]);

  const stream = useEventStream(error?.status === 404 ? undefined : `${rolloutPath(namespace, name)}/stream`, {
    [STREAM_EVENTS.detail]: (data) => accept(data as RolloutDetail),
    [STREAM_EVENTS.deleted]: () => setError(new ApiError(404, `rollout "${name}" was deleted`, 'pick a rollout from the list')),
  });
  useEffect(() => onStream(stream), [stream, onStream]);

  // Keys reach the actions the buttons offer, never one a button would refuse.
  const info = detail?.info;
  useEffect(() => {
    if (info === undefined) return undefined;
    const onKey = (e: KeyboardEvent): void => {
      if (help || runner.pending !== undefined) return;
      const target = shortcutOf(e);
      if (target === undefined) return;
      e.preventDefault();
      if (target === 'help') {
        setHelp(true);
        return;
      }
      if (target === 'set-image') {
        imageField.current?.focus();
        imageField.current?.select();
        return;
      }
      if (runner.busy !== undefined) return;
      const action = target === 'pause-resume' ? (info.manuallyPaused ? 'resume' : 'pause') : target;
      const spec = ACTION_SPECS.find((s) => s.action === action);
      if (spec === undefined) return;
      const blocked = blockedReason(spec, info, readOnly);
      if (blocked !== undefined) setOutcome({ ok: false, message: `${spec.label}: ${blocked}` });
      else trigger(spec, info, runner);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [info, help, readOnly, runner]);

  if (error !== undefined && detail === undefined) {
    return (
      <div className="card error-card" role="alert">
        <strong>{error.message}</strong>
        {error.hint && <p>{error.hint}</p>}
        <a href="#/">← All rollouts</a>
      </div>
    );
  }
  if (detail === undefined || info === undefined) return <p className="muted loading">Loading {name}…</p>;
  return (
    <div className="page">
      <div className="title-row">
        <div>
          <a href="#/" className="back">
            ← All rollouts
          </a>
          <h1>
            {info.name} <span className="muted ns">{info.namespace}</span>
          </h1>
          <div className="title-meta">
            <StatusBadge status={info.status} />
            <span className={`strategy strategy-${info.strategy}`}>{info.strategy}</span>
            {info.aborted && <span className="badge tone-bad">Aborted</span>}
            {info.message && <span className="muted">{info.message}</span>}
          </div>
        </div>
        <ActionBar info={info} readOnly={readOnly} runner={runner} onHelp={() => setHelp(true)} />
      </div>

      {outcome && <Toast outcome={outcome} onClose={closeToast} />}
      {error && <div className="toast toast-bad" role="alert">{error.message}</div>}
      {runner.pending && <ConfirmDialog title={runner.pending.title} message={runner.pending.message} confirmLabel={runner.pending.confirmLabel} onConfirm={runner.confirm} onCancel={runner.cancel} />}
      {help && (
        <Dialog title="Keyboard shortcuts" onClose={() => setHelp(false)} testId="shortcut-help">
          <ShortcutHelp onClose={() => setHelp(false)} />
        </Dialog>
      )}

      <div className="summary">
        <div className="stat">
          <span className="stat-label">Step</span>
          <span className="stat-value" data-testid="step-value">{info.step || '—'}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Set weight</span>
          <span className="stat-value">{info.setWeight !== '' ? `${info.setWeight}%` : '—'}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Actual weight</span>
          <span className="stat-value">{info.actualWeight !== '' ? `${info.actualWeight}%` : '—'}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Replicas</span>
          <span className="stat-value">
            {info.available}/{info.desired}
          </span>
          <span className="muted">
            {info.updated} updated · {info.ready} ready
          </span>
        </div>
        <div className="stat stat-wide">
          <span className="stat-label">Images</span>
          {info.images.length === 0 && info.containers.map((c) => <span key={c.name} className="mono">{shortImage(c.image ?? '')}</span>)}
          {info.images.map((image) => (
            <span key={image.image} className="mono" title={image.image}>
              {shortImage(image.image)} {image.tags.length > 0 && <span className="muted">({image.tags.join(', ')})</span>}
            </span>
          ))}
        </div>
      </div>

      {info.strategy === 'Canary' && (
        <Section title="Steps" aside={<PauseStatus now={now} manuallyPaused={info.manuallyPaused} {...(detail.pause ? { pause: detail.pause } : {})} />}>
          <StepTrack steps={detail.steps} info={info} now={now} {...(detail.pause ? { pause: detail.pause } : {})} />
        </Section>
      )}
      {info.strategy === 'BlueGreen' && (
        <Section title="Blue-green" aside={<PauseStatus now={now} manuallyPaused={info.manuallyPaused} {...(detail.pause ? { pause: detail.pause } : {})} />}>
          <BlueGreenState detail={detail} />
        </Section>
      )}

      <div className="columns">
        {info.strategy === 'Canary' && (
          <Section title="Traffic over time">
            <WeightChart history={detail.history} now={now} />
          </Section>
        )}
        <Section title="Revisions">
          <RevisionTimeline revisions={detail.revisions} now={now} name={info.name} readOnly={readOnly} runner={runner} />
        </Section>
      </div>

      <Section title="Set image">
        <SetImageForm key={info.uid} containers={detail.containers} readOnly={readOnly} runner={runner} imageField={imageField} />
      </Section>

      <Section title="ReplicaSets">
        <ReplicaSetTable replicaSets={info.replicaSets} now={now} />
      </Section>

      <Section title="Analysis">
        <AnalysisPanel runs={info.analysisRuns} metrics={detail.metrics} />
      </Section>

      <Section title="Events">
        <EventList events={detail.events} now={now} />
      </Section>
    </div>
  );
}
