// How Go's fmt prints the values a JSON-decoded object holds (%v), and the
// printf verbs templates use.
import { TemplateError } from './lexer.ts';

export type GoFunc = ((...args: unknown[]) => unknown) & { goFunc: true };

// fmt's %v of a float64 (strconv 'g', shortest): exponent form below 1e-4 and from 1e6.
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [digits, exponent] = f.toExponential().split('e') as [string, string];
  const decExp = Number(exponent);
  if (decExp < -4 || decExp >= 6) {
    const e = Math.abs(decExp);
    return `${digits}e${decExp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return String(f);
}

export function sprint(v: unknown, top = true): string {
  if (v === undefined || v === null) return top ? '<no value>' : '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'number') return formatFloat(v);
  if (Array.isArray(v)) return `[${v.map((e) => sprint(e, false)).join(' ')}]`;
  if (v instanceof Date) return goTime(v);
  if (typeof v === 'function') return '<func>';
  const map = v as Record<string, unknown>;
  return `map[${Object.keys(map).sort().map((k) => `${k}:${sprint(map[k], false)}`).join(' ')}]`;
}

// time.Time's String(): 2006-01-02 15:04:05.999999999 -0700 MST, in UTC.
function goTime(d: Date): string {
  const iso = d.toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC`;
}

export function goType(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const spec = /^([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])/.exec(format.slice(i + 1));
    if (!spec) {
      out += '%!(NOVERB)';
      break;
    }
    i += spec[0].length;
    const [, flags = '', width, prec, verb = ''] = spec;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (n >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    let s = verbOf(verb, args[n++], prec);
    if (width && s.length < Number(width)) s = flags.includes('-') ? s.padEnd(Number(width)) : s.padStart(Number(width), flags.includes('0') ? '0' : ' ');
    out += s;
  }
  if (n < args.length) out += `%!(EXTRA ${args.slice(n).map((a) => `${goType(a)}=${sprint(a, false)}`).join(', ')})`;
  return out;
}

function verbOf(verb: string, a: unknown, prec: string | undefined): string {
  const bad = (): string => `%!${verb}(${goType(a)}=${sprint(a, false)})`;
  switch (verb) {
    case 'v':
      return sprint(a, false);
    case 's':
      return typeof a === 'string' ? a : bad();
    case 'q':
      return typeof a === 'string' ? JSON.stringify(a) : bad();
    case 'd':
      return typeof a === 'bigint' ? String(a) : bad();
    case 't':
      return typeof a === 'boolean' ? String(a) : bad();
    case 'f':
      return typeof a === 'number' ? a.toFixed(prec === undefined ? 6 : Number(prec)) : bad();
    default:
      throw new TemplateError(`printf verb %${verb} is not supported`);
  }
}
