// Server-sent events as the dashboard streams them: `event: <name>` and `data: <json>` lines,
// blocks ended by a blank line. Shared by the dashboard tests and the dashboard bench.

export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Splits the complete blocks off the front of `buffer`: the events they hold, in order (a block
 * without both an event name and data is skipped), and the incomplete rest to prepend to the
 * next chunk read.
 */
export function takeSseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  let rest = buffer;
  let end: number;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) as unknown });
  }
  return { events, rest };
}
