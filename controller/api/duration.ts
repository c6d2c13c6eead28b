/**
 * Argo's duration strings: Go's time.ParseDuration format ("30s", "5m", "1h30m", "1.5h", "500ms")
 * and, for pause durations, a bare integer number of seconds (30 or "30").
 */

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const COMPONENT = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

export class DurationError extends Error {
  constructor(
    readonly value: unknown,
    reason: string,
  ) {
    super(`invalid duration ${JSON.stringify(value)}: ${reason}`);
    this.name = 'DurationError';
  }
}

/**
 * Seconds in `value`, accepting integer seconds (30 or "30") as pause durations do; throws
 * DurationError naming the value and what is wrong with it.
 */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new DurationError(value, 'a number of seconds must be an integer');
    return value;
  }
  if (/^\s*[-+]?\d+\s*$/.test(value)) return Number(value.trim());
  return parseGoDuration(value);
}

/**
 * Seconds in a Go duration string, as time.ParseDuration reads it: a unit is required except
 * for "0". Metric intervals, initial delays and experiment durations use this form.
 */
export function parseGoDuration(value: string): number {
  const text = value.trim();
  if (text === '') throw new DurationError(value, 'empty');
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new DurationError(value, 'expected a number followed by a unit, e.g. "30s", "5m", "1h30m"');
  let total = 0;
  COMPONENT.lastIndex = 0;
  let consumed = 0;
  while (consumed < rest.length) {
    COMPONENT.lastIndex = consumed;
    const match = COMPONENT.exec(rest);
    if (!match) {
      const unitless = /^(\d+(?:\.\d*)?|\.\d+)$/.test(rest.slice(consumed));
      throw new DurationError(value, unitless ? 'missing unit (use ns, us, ms, s, m or h)' : 'expected a number followed by a unit, e.g. "30s", "5m", "1h30m"');
    }
    total += Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
    consumed = COMPONENT.lastIndex;
  }
  if (!Number.isFinite(total)) throw new DurationError(value, 'too large');
  return sign * total;
}

/** Like parseDuration but returns undefined instead of throwing; for validation code paths. */
export function tryParseDuration(value: string | number): number | undefined {
  try {
    return parseDuration(value);
  } catch (err) {
    if (err instanceof DurationError) return undefined;
    throw err;
  }
}
