import { tone } from '../format.ts';

export function StatusBadge({ status, title }: { status: string; title?: string }) {
  const label = status === '' ? 'Unknown' : status;
  return (
    <span className={`badge tone-${tone(status)}`} title={title}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

export function Tag({ name }: { name: string }) {
  return <span className={`tag tag-${name}`}>{name}</span>;
}
