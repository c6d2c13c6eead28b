import { tone } from '../format.ts';

/** A glyph per colour family, so the status never rests on colour alone. */
const TONE_ICONS: Record<ReturnType<typeof tone>, string> = {
  ok: '✓',
  progress: '↻',
  paused: '‖',
  bad: '✕',
  neutral: '•',
};

export function StatusBadge({ status, title }: { status: string; title?: string }) {
  const label = status === '' ? 'Unknown' : status;
  const family = tone(status);
  return (
    <span className={`badge tone-${family}`} title={title}>
      <span className="badge-icon" aria-hidden="true">
        {TONE_ICONS[family]}
      </span>
      {label}
    </span>
  );
}

export function Tag({ name }: { name: string }) {
  return <span className={`tag tag-${name}`}>{name}</span>;
}
