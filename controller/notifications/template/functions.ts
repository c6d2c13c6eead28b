// The functions a template may call: Go's text/template builtins and the
// sprig functions Argo's notification templates use. Looked up in a
// null-prototype table, so no name reaches anything else.
import { goType, sprint, sprintf, type GoFunc } from './format.ts';
import { TemplateError } from './lexer.ts';

type Fn = (...args: unknown[]) => unknown;

export function truth(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (typeof v === 'function') return true;
  return Object.keys(v as object).length > 0;
}

function basic(v: unknown): string {
  const t = goType(v);
  if (t === 'string' || t === 'bool' || t === 'int' || t === 'float64' || t === 'nil') return t;
  throw new TemplateError(`non-comparable type ${t}`);
}

function equal(a: unknown, b: unknown): boolean {
  const ta = basic(a);
  const tb = basic(b);
  if (ta === 'nil' || tb === 'nil') return ta === tb;
  if (ta !== tb) throw new TemplateError('incompatible types for comparison');
  return a === b;
}

function less(a: unknown, b: unknown): boolean {
  const ta = basic(a);
  const tb = basic(b);
  if (ta === 'nil' || ta === 'bool') throw new TemplateError(`invalid type for comparison`);
  if (ta !== tb) throw new TemplateError('incompatible types for comparison');
  return (a as number) < (b as number);
}

function length(v: unknown): bigint {
  if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v !== null && typeof v === 'object') return BigInt(Object.keys(v).length);
  throw new TemplateError(`len of type ${goType(v)}`);
}

function index(v: unknown, ...keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (Array.isArray(cur)) {
      if (typeof k !== 'bigint') throw new TemplateError(`cannot index slice/array with type ${goType(k)}`);
      if (k < 0n || k >= BigInt(cur.length)) throw new TemplateError(`index out of range: ${k}`);
      cur = cur[Number(k)];
    } else if (typeof cur === 'string') {
      if (typeof k !== 'bigint') throw new TemplateError(`cannot index string with type ${goType(k)}`);
      cur = BigInt(Buffer.from(cur)[Number(k)] ?? 0);
    } else if (cur !== null && typeof cur === 'object') {
      if (typeof k !== 'string') throw new TemplateError(`value has type ${goType(k)}; should be string`);
      cur = Object.hasOwn(cur, k) ? (cur as Record<string, unknown>)[k] : undefined;
    } else throw new TemplateError(`can't index item of type ${goType(cur)}`);
  }
  return cur;
}

// sprig's arithmetic works on int64 whatever it is given (cast.ToInt64).
function int64(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
  return 0n;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : sprint(v, false));

const table: Record<string, Fn> = Object.assign(Object.create(null) as Record<string, Fn>, {
  not: (a: unknown) => !truth(a),
  len: length,
  index,
  printf: (format: unknown, ...args: unknown[]) => sprintf(str(format), args),
  print: (...args: unknown[]) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + sprint(a, false)).join(''),
  println: (...args: unknown[]) => `${args.map((a) => sprint(a, false)).join(' ')}\n`,
  eq: (a: unknown, ...bs: unknown[]) => {
    if (bs.length === 0) throw new TemplateError('missing argument for comparison');
    return bs.some((b) => equal(a, b));
  },
  ne: (a: unknown, b: unknown) => !equal(a, b),
  lt: less,
  le: (a: unknown, b: unknown) => less(a, b) || equal(a, b),
  gt: (a: unknown, b: unknown) => !less(a, b) && !equal(a, b),
  ge: (a: unknown, b: unknown) => !less(a, b),
  // sprig
  add: (...xs: unknown[]) => xs.reduce<bigint>((a, x) => a + int64(x), 0n),
  sub: (a: unknown, b: unknown) => int64(a) - int64(b),
  mul: (...xs: unknown[]) => xs.reduce<bigint>((a, x) => a * int64(x), 1n),
  upper: (s: unknown) => str(s).toUpperCase(),
  lower: (s: unknown) => str(s).toLowerCase(),
  title: (s: unknown) => str(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase()),
  trim: (s: unknown) => str(s).trim(),
  trimPrefix: (p: unknown, s: unknown) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
  trimSuffix: (p: unknown, s: unknown) => (str(p) && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
  replace: (old: unknown, neu: unknown, s: unknown) => str(s).split(str(old)).join(str(neu)),
  contains: (sub: unknown, s: unknown) => str(s).includes(str(sub)),
  hasPrefix: (p: unknown, s: unknown) => str(s).startsWith(str(p)),
  hasSuffix: (p: unknown, s: unknown) => str(s).endsWith(str(p)),
  repeat: (n: unknown, s: unknown) => str(s).repeat(Number(n)),
  quote: (...xs: unknown[]) => xs.filter((x) => x !== undefined && x !== null).map((x) => JSON.stringify(str(x))).join(' '),
  squote: (...xs: unknown[]) => xs.filter((x) => x !== undefined && x !== null).map((x) => `'${str(x)}'`).join(' '),
  toString: (v: unknown) => str(v),
  toJson: (v: unknown) => JSON.stringify(v ?? null, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)),
  join: (sep: unknown, list: unknown) => (Array.isArray(list) ? list.map((x) => str(x)).join(str(sep)) : str(list)),
  splitList: (sep: unknown, s: unknown) => str(s).split(str(sep)),
  default: (d: unknown, v?: unknown) => (truth(v) ? v : d),
  empty: (v: unknown) => !truth(v),
  coalesce: (...xs: unknown[]) => xs.find(truth),
  ternary: (a: unknown, b: unknown, cond: unknown) => (truth(cond) ? a : b),
  list: (...xs: unknown[]) => xs,
  dict: (...kv: unknown[]) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < kv.length; i += 2) out[str(kv[i])] = kv[i + 1];
    return out;
  },
  b64enc: (s: unknown) => Buffer.from(str(s)).toString('base64'),
  b64dec: (s: unknown) => Buffer.from(str(s), 'base64').toString(),
  call: (f: unknown, ...args: unknown[]) => {
    if (typeof f !== 'function' || !(f as GoFunc).goFunc) throw new TemplateError(`non-function of type ${goType(f)}`);
    return (f as Fn)(...args);
  },
});

export function functionNamed(name: string): Fn | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
