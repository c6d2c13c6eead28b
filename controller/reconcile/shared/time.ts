

/** Milliseconds since the epoch of a metav1.Time, whether the client gave a Date or a string. */
export function toMillis(time: Date | string | undefined | null): number | undefined {
  if (time === undefined || time === null) return undefined;
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  return Number.isNaN(ms) ? undefined : ms;
}
