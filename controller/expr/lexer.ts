import { ExprError, type Position } from './errors.ts';

export type TokenKind = 'number' | 'string' | 'identifier' | 'operator' | 'pointer' | 'eof';

export interface Token {
  kind: TokenKind;
  // For numbers the parsed value lives in `number`; `text` keeps the source
  // spelling so error messages can quote it.
  text: string;
  value: string;
  number?: number;
  integer?: boolean;
  pos: Position;
}

// Longest first so that `==` is not read as two `=`.
const OPERATORS = [
  '...', '??', '?.', '==', '!=', '<=', '>=', '&&', '||', '**', '..',
  '+', '-', '*', '/', '%', '^', '<', '>', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}', '|',
];

const ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', '"': '"', "'": "'", '`': '`', '0': '\0',
};

export function tokenize(source: string): Token[] {
  const multiline = source.includes('\n');
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): Position => ({ line, column: at - lineStart + 1 });
  const fail = (message: string, at: number): never => {
    throw new ExprError(message, pos(at), multiline);
  };

  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment', i);
      for (let k = i; k < end; k++) {
        if (source[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      i = end + 2;
      continue;
    }
    const start = i;
    if (isDigit(ch) || (ch === '.' && isDigit(source[i + 1] ?? ''))) {
      const { token, next } = readNumber(source, i, pos(start), fail);
      tokens.push(token);
      i = next;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      const { value, next } = readString(source, i, fail);
      tokens.push({ kind: 'string', text: source.slice(start, next), value, pos: pos(start) });
      i = next;
      continue;
    }
    if (ch === '#') {
      i++;
      while (i < source.length && isIdentPart(source[i]!)) i++;
      tokens.push({ kind: 'pointer', text: source.slice(start, i), value: source.slice(start + 1, i), pos: pos(start) });
      continue;
    }
    if (isIdentStart(ch)) {
      while (i < source.length && isIdentPart(source[i]!)) i++;
      const word = source.slice(start, i);
      tokens.push({ kind: 'identifier', text: word, value: word, pos: pos(start) });
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op === undefined || op === '...') fail(`unexpected character '${ch}'`, i);
    tokens.push({ kind: 'operator', text: op!, value: op!, pos: pos(start) });
    i += op!.length;
  }
  tokens.push({ kind: 'eof', text: 'end of expression', value: '', pos: pos(i) });
  return tokens;
}

function readNumber(
  source: string,
  start: number,
  at: Position,
  fail: (message: string, at: number) => never,
): { token: Token; next: number } {
  let i = start;
  let integer = true;
  let digits: string;
  const prefix = source.slice(i, i + 2).toLowerCase();
  if (prefix === '0x' || prefix === '0o' || prefix === '0b') {
    i += 2;
    const allowed = prefix === '0x' ? /[0-9a-fA-F_]/ : prefix === '0o' ? /[0-7_]/ : /[01_]/;
    while (i < source.length && allowed.test(source[i]!)) i++;
    digits = source.slice(start, i).replace(/_/g, '');
    const value = Number(digits);
    if (!Number.isFinite(value) || digits.length <= 2) fail(`invalid number literal '${source.slice(start, i)}'`, start);
    return { token: { kind: 'number', text: source.slice(start, i), value: digits, number: value, integer: true, pos: at }, next: i };
  }
  while (i < source.length && (isDigit(source[i]!) || source[i] === '_')) i++;
  // `1..3` is a range, not the float `1.` followed by `.3`.
  if (source[i] === '.' && source[i + 1] !== '.' && !isIdentStart(source[i + 1] ?? '')) {
    integer = false;
    i++;
    while (i < source.length && (isDigit(source[i]!) || source[i] === '_')) i++;
  }
  if (source[i] === 'e' || source[i] === 'E') {
    let j = i + 1;
    if (source[j] === '+' || source[j] === '-') j++;
    if (isDigit(source[j] ?? '')) {
      integer = false;
      i = j;
      while (i < source.length && isDigit(source[i]!)) i++;
    }
  }
  const text = source.slice(start, i);
  digits = text.replace(/_/g, '');
  const value = Number(digits);
  if (Number.isNaN(value)) fail(`invalid number literal '${text}'`, start);
  if (isIdentStart(source[i] ?? '')) fail(`invalid number literal '${text}${source[i]}'`, start);
  return { token: { kind: 'number', text, value: digits, number: value, integer, pos: at }, next: i };
}

function readString(
  source: string,
  start: number,
  fail: (message: string, at: number) => never,
): { value: string; next: number } {
  const quote = source[start]!;
  let i = start + 1;
  let out = '';
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === quote) return { value: out, next: i + 1 };
    if (ch === '\\' && quote !== '`') {
      const esc = source[i + 1];
      if (esc === undefined) break;
      if (esc === 'u' || esc === 'x' || esc === 'U') {
        const len = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
        const hex = source.slice(i + 2, i + 2 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`invalid escape sequence '\\${esc}${hex}'`, i);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += 2 + len;
        continue;
      }
      const mapped = ESCAPES[esc];
      if (mapped === undefined) fail(`invalid escape sequence '\\${esc}'`, i);
      out += mapped;
      i += 2;
      continue;
    }
    if (ch === '\n' && quote !== '`') break;
    out += ch;
    i++;
  }
  return fail('unterminated string literal', start);
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function isIdentStart(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_' || ch === '$';
}

function isIdentPart(ch: string): boolean {
  return isIdentStart(ch) || isDigit(ch);
}
