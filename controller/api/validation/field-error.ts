/**
 * Field errors in the shape Kubernetes' field.Error prints: `<field>: <Type>: <value>: <detail>`.
 * `message` holds everything after `<field>: `, so `${field}: ${message}` is the line Argo writes
 * into the InvalidSpec condition.
 */
export interface FieldError {
  /** Path such as `spec.strategy.canary.steps[2].setWeight`. */
  field: string;
  /** Error body such as `Invalid value: 150: SetWeight needs to be between 0 and 100`. */
  message: string;
}

/** Longest bad value quoted in a message: a 100 kB string must not become a 100 kB condition. */
const MAX_VALUE_CHARS = 200;

/** Longest InvalidSpec message: the Rollout's status stays small whatever the spec holds. */
export const MAX_MESSAGE_CHARS = 1_000;

/** Renders a bad value as Go's field.Error does: strings quoted, scalars bare, maps as Go literals. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS - 3)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof StringMapValue) {
    const entries = Object.keys(value.map)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${JSON.stringify(value.map[key])}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  const json = JSON.stringify(value);
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS - 3)}...` : json;
}

/** A map[string]string value (labels, annotations), printed the way Go prints one. */
export class StringMapValue {
  constructor(readonly map: Readonly<Record<string, string>>) {}
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { field, message: `Invalid value: ${formatValue(value)}: ${detail}` };
}

export function required(field: string, detail?: string): FieldError {
  return { field, message: detail ? `Required value: ${detail}` : 'Required value' };
}

export function forbidden(field: string, detail: string): FieldError {
  return { field, message: `Forbidden: ${detail}` };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return { field, message: `Unsupported value: ${formatValue(value)}: supported values: ${list}` };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { field, message: `Duplicate value: ${formatValue(value)}` };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { field, message: `Too many: ${actual}: must have at most ${max} items` };
}

export function internalError(field: string, detail: string): FieldError {
  return { field, message: `Internal error: ${detail}` };
}

/** Appends a path segment: `.name` for plain keys, `[key]` for keys such as label names. */
export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${key}]`;
}

export function pathOf(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((path, seg) => child(path, typeof seg === 'number' ? seg : String(seg)), '');
}

/**
 * The message of Argo's InvalidSpec condition. Argo reports the first validation error only, so
 * the condition stays stable while the user fixes problems one by one.
 */
export function invalidSpecMessage(name: string, errors: readonly FieldError[], kind: 'Rollout' | 'Experiment' = 'Rollout'): string {
  const first = errors[0];
  const detail = first ? `${first.field}: ${first.message}` : 'unknown validation error';
  const message = `The ${kind} "${name}" is invalid: ${detail}`;
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS - 3)}...` : message;
}
