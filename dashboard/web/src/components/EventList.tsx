import type { EventView } from '../../../shared/api.ts';
import { age } from '../format.ts';

export function EventList({ events, now }: { events: EventView[]; now: number }) {
  if (events.length === 0) return <p className="muted">No recent events.</p>;
  return (
    <ul className="events" data-testid="events">
      {events.map((e, i) => (
        <li key={`${e.time ?? ''}-${e.reason}-${i}`} className={e.type === 'Warning' ? 'event warning' : 'event'}>
          <span className="event-age muted">{age(e.time, now)}</span>
          <span className="event-reason">{e.reason}</span>
          <span className="event-message">
            {e.message}
            {e.count > 1 ? <span className="muted"> ×{e.count}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}
