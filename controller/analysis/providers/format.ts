// Measurement values are strings; these render them the way Argo's Go code
// does, so the status a user reads is the same.

// strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, never an
// exponent; as Prometheus' SampleValue.String() prints them.
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = String(f);
  if (!/e/i.test(s)) return s;
  const [mantissa, exponentText] = s.toLowerCase().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '');
  const [intPart, fracPart = ''] = digits.split('.') as [string, string?];
  const all = intPart + fracPart;
  const point = intPart.length + exponent;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${all}`;
  else if (point >= all.length) out = all + '0'.repeat(point - all.length);
  else out = `${all.slice(0, point)}.${all.slice(point)}`;
  return (negative ? '-' : '') + out;
}

// encoding/json.Marshal: map keys sorted, <, > and & escaped for HTML.
export function goJsonMarshal(value: unknown): string {
  return JSON.stringify(sortKeys(value))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

// fmt's %v of a float64: shortest digits, an exponent (at least two digits)
// below 1e-4 and from 1e21 on.
export function formatGoFloatV(f: number): string {
  if (!Number.isFinite(f) || f === 0) return formatGoFloat(f);
  const [mantissa, exponentText] = f.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 21) return formatGoFloat(f);
  const digits = String(Math.abs(exponent)).padStart(2, '0');
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
}

// fmt's %.<digits>f: like toFixed, except that an exact tie (judged on the
// double's exact binary value) rounds to even.
export function formatGoFixed(f: number, digits: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (!isExactTie(f, digits)) return f.toFixed(digits);
  const floor = Math.floor(f * 10 ** digits);
  const even = floor % 2 === 0 ? floor : floor + 1;
  return (even / 10 ** digits).toFixed(digits);
}

// Whether f·10^digits is exactly an integer and a half.
function isExactTie(f: number, digits: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(f));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const shift = BigInt((biased === 0 ? 1 : biased) - 1075); // f = mantissa · 2^shift
  if (shift >= 0n) return false;
  const twice = mantissa * 2n * 10n ** BigInt(digits);
  const divisor = 1n << -shift;
  return twice % divisor === 0n && (twice / divisor) % 2n === 1n;
}
