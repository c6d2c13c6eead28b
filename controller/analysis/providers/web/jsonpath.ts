// The Kubernetes JSONPath subset web metrics use (`{$.data.ok}`,
// `{.items[0].value}`, `{$.series[-1:]}`, `{$.checks[?(@.name=="db")].ok}`),
// following k8s.io/client-go/util/jsonpath: a missing key is an error, not
// an empty result.

type Json = unknown;

type Segment =
  | { kind: 'field'; names: string[] }
  | { kind: 'recursive'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; from?: number; to?: number }
  | { kind: 'filter'; path: string[]; op?: string; literal?: Json };

export interface JsonPath {
  source: string;
  find(data: Json): Json[];
}

export function parseJsonPath(template: string): JsonPath {
  const open = template.indexOf('{');
  const close = template.lastIndexOf('}');
  if (open < 0 || close < open) {
    throw new Error(`unrecognized JSONPath template ${JSON.stringify(template)}: expected an expression in braces such as {$.data}`);
  }
  const segments = parseSegments(template.slice(open + 1, close).trim(), template);
  return { source: template, find: (data) => evaluate(segments, data) };
}

function parseSegments(path: string, template: string): Segment[] {
  const fail = (what: string): never => {
    throw new Error(`invalid JSONPath ${JSON.stringify(template)}: ${what}`);
  };
  const segments: Segment[] = [];
  let i = 0;
  if (path.startsWith('$')) i = 1;
  const readName = (): string => {
    const m = /^[^.[\]{}\s]+/.exec(path.slice(i));
    if (!m) return fail(`expected a field name at offset ${i}`);
    i += m[0].length;
    return m[0];
  };
  while (i < path.length) {
    if (path.startsWith('..', i)) {
      i += 2;
      segments.push({ kind: 'recursive', name: readName() });
    } else if (path[i] === '.') {
      i++;
      if (i >= path.length) break;
      if (path[i] === '*') {
        i++;
        segments.push({ kind: 'wildcard' });
      } else if (path[i] !== '[') {
        segments.push({ kind: 'field', names: [readName()] });
      }
    } else if (path[i] === '[') {
      const end = findBracketEnd(path, i);
      if (end < 0) fail('unterminated [');
      segments.push(parseBracket(path.slice(i + 1, end).trim(), fail));
      i = end + 1;
    } else if (i === 0) {
      // `{items[0]}`: a leading field without a dot.
      segments.push({ kind: 'field', names: [readName()] });
    } else {
      fail(`unexpected ${JSON.stringify(path[i])} at offset ${i}`);
    }
  }
  return segments;
}

function findBracketEnd(path: string, start: number): number {
  let quote: string | undefined;
  let depth = 0;
  for (let i = start; i < path.length; i++) {
    const ch = path[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') {
      depth--;
      if (depth === 0 && ch === ']') return i;
    }
  }
  return -1;
}

function parseBracket(inner: string, fail: (what: string) => never): Segment {
  if (inner === '*') return { kind: 'wildcard' };
  if (inner.startsWith('?(') && inner.endsWith(')')) return parseFilter(inner.slice(2, -1).trim(), fail);
  if (/^['"]/.test(inner)) {
    const names = [...inner.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? '');
    return { kind: 'field', names };
  }
  if (inner.includes(':')) {
    const [from, to] = inner.split(':').map((s) => s.trim());
    const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number.parseInt(s, 10));
    const f = num(from);
    const t = num(to);
    if ((f !== undefined && Number.isNaN(f)) || (t !== undefined && Number.isNaN(t))) fail(`invalid slice [${inner}]`);
    return { kind: 'slice', ...(f === undefined ? {} : { from: f }), ...(t === undefined ? {} : { to: t }) };
  }
  if (/^-?\d+$/.test(inner)) return { kind: 'index', index: Number.parseInt(inner, 10) };
  return fail(`unsupported bracket expression [${inner}]`);
}

function parseFilter(expr: string, fail: (what: string) => never): Segment {
  const m = /^@((?:\.[^.\s=!<>]+)*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+))?$/.exec(expr);
  if (!m) return fail(`unsupported filter ?(${expr})`);
  const path = (m[1] ?? '').split('.').filter((p) => p !== '');
  if (m[2] === undefined) return { kind: 'filter', path };
  const text = m[3]!.trim();
  let literal: Json;
  if (/^'.*'$/.test(text)) literal = text.slice(1, -1);
  else {
    try {
      literal = JSON.parse(text);
    } catch {
      return fail(`unsupported filter value ${text}`);
    }
  }
  return { kind: 'filter', path, op: m[2], literal };
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function evaluate(segments: Segment[], data: Json): Json[] {
  let current: Json[] = [data];
  for (const segment of segments) {
    const next: Json[] = [];
    for (const value of current) next.push(...step(segment, value));
    current = next;
  }
  return current;
}

function step(segment: Segment, value: Json): Json[] {
  switch (segment.kind) {
    case 'field': {
      if (!isObject(value)) {
        if (value === null || value === undefined) return [];
        throw new Error(`${segment.names.join(',')} is not found`);
      }
      return segment.names.map((name) => {
        if (!Object.prototype.hasOwnProperty.call(value, name)) throw new Error(`${name} is not found`);
        return value[name];
      });
    }
    case 'recursive': {
      const out: Json[] = [];
      const walk = (v: Json) => {
        if (isObject(v)) {
          if (Object.prototype.hasOwnProperty.call(v, segment.name)) out.push(v[segment.name]);
          Object.values(v).forEach(walk);
        } else if (Array.isArray(v)) v.forEach(walk);
      };
      walk(value);
      return out;
    }
    case 'wildcard':
      if (Array.isArray(value)) return value;
      if (isObject(value)) return Object.keys(value).sort().map((k) => value[k]);
      return [];
    case 'index': {
      if (!Array.isArray(value)) throw new Error(`cannot index ${describe(value)} with [${segment.index}]`);
      const i = segment.index < 0 ? value.length + segment.index : segment.index;
      if (i < 0 || i >= value.length) {
        throw new Error(`array index out of bounds: index ${segment.index}, length ${value.length}`);
      }
      return [value[i]];
    }
    case 'slice': {
      if (!Array.isArray(value)) throw new Error(`cannot slice ${describe(value)}`);
      const clamp = (n: number) => Math.min(Math.max(n < 0 ? value.length + n : n, 0), value.length);
      return value.slice(clamp(segment.from ?? 0), clamp(segment.to ?? value.length));
    }
    case 'filter': {
      const items = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
      return items.filter((item) => matchesFilter(segment, item));
    }
  }
}

function matchesFilter(segment: Extract<Segment, { kind: 'filter' }>, item: Json): boolean {
  let v: Json = item;
  for (const name of segment.path) {
    if (!isObject(v) || !Object.prototype.hasOwnProperty.call(v, name)) return false;
    v = v[name];
  }
  if (segment.op === undefined) return v !== undefined && v !== null;
  const lit = segment.literal;
  switch (segment.op) {
    case '==':
      return v === lit;
    case '!=':
      return v !== lit;
    default: {
      const comparable =
        (typeof v === 'number' && typeof lit === 'number') || (typeof v === 'string' && typeof lit === 'string');
      if (!comparable) return false;
      const a = v as number | string;
      const b = lit as number | string;
      return segment.op === '<' ? a < b : segment.op === '>' ? a > b : segment.op === '<=' ? a <= b : a >= b;
    }
  }
}

function describe(v: Json): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}
