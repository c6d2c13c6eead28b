/**
 * Argo's duration strings: Go's time.ParseDuration format ("30s", "5m", "1h30m", "1.5h", "500ms")
 * and, for pause durations, a bare integer number of seconds (30 or "30"). One scanner reads the
 * format; the functions below differ only in the unit they return and the words of their errors.
 */

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  'μs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

// Kept as its own table rather than UNIT_SECONDS * 1000 so that millisecond sums round exactly
// as they always have (0.3ms is 0.3, not 0.30000000000000004).
const UNIT_MILLIS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

interface Component {
  amount: number;
  unit: string;
}

type Scan =
  | { ok: true; sign: number; components: Component[] }
  /** `rest` is the text from the component that failed on; `goMessage` is time.ParseDuration's error. */
  | { ok: false; rest: string; goMessage: string };

/** time.ParseDuration's grammar: an optional sign, then number-unit pairs, or "0" alone. */
function scanGoDuration(text: string): Scan {
  const quoted = JSON.stringify(text);
  const invalidAt = (rest: string): Scan => ({ ok: false, rest, goMessage: `time: invalid duration ${quoted}` });
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, sign, components: [] };
  if (rest === '') return invalidAt(rest);
  const components: Component[] = [];
  while (rest !== '') {
    const number = (/^(\d*)(\.\d*)?/.exec(rest) as RegExpExecArray)[0];
    if (number === '' || number === '.') return invalidAt(rest);
    const unit = (/^[^\d.]*/.exec(rest.slice(number.length)) as RegExpExecArray)[0];
    if (unit === '') return { ok: false, rest, goMessage: `time: missing unit in duration ${quoted}` };
    if (!Object.hasOwn(UNIT_SECONDS, unit)) {
      return { ok: false, rest, goMessage: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}` };
    }
    components.push({ amount: Number(number), unit });
    rest = rest.slice(number.length + unit.length);
  }
  return { ok: true, sign, components };
}

function total(scan: { sign: number; components: Component[] }, scale: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const { amount, unit } of scan.components) sum += amount * (scale[unit] as number);
  return scan.components.length === 0 ? 0 : scan.sign * sum;
}

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
 * for "0". Surrounding spaces are forgiven. Metric intervals, initial delays and experiment
 * durations use this form.
 */
export function parseGoDuration(value: string): number {
  const text = value.trim();
  if (text === '') throw new DurationError(value, 'empty');
  const scan = scanGoDuration(text);
  if (!scan.ok) {
    const unitless = /^(\d+(?:\.\d*)?|\.\d+)$/.test(scan.rest);
    throw new DurationError(value, unitless ? 'missing unit (use ns, us, ms, s, m or h)' : 'expected a number followed by a unit, e.g. "30s", "5m", "1h30m"');
  }
  const seconds = total(scan, UNIT_SECONDS);
  if (!Number.isFinite(seconds)) throw new DurationError(value, 'too large');
  return seconds;
}

/**
 * Milliseconds in a Go duration string read exactly as time.ParseDuration reads it, failing with
 * Go's own message ("time: missing unit in duration \"5\""), which Argo writes into AnalysisRun
 * messages. The AnalysisRun controller schedules measurements with it.
 */
export function parseGoDurationMillis(text: string): number {
  const scan = scanGoDuration(text);
  if (!scan.ok) throw new Error(scan.goMessage);
  return total(scan, UNIT_MILLIS);
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
