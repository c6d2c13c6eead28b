// Splits a Go text/template source into text and action tokens. Only the
// constructs Argo's notification templates use are recognised; anything else
// is a TemplateError naming what was found, never silently passed through.
export class TemplateError extends Error {}

export type TokenKind = 'field' | 'dot' | 'var' | 'ident' | 'string' | 'number' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma';

export interface Token {
  kind: TokenKind;
  text: string;
  // Go chains `.b` onto the term before it only when nothing separates them.
  spaced: boolean;
}

export type Piece = { kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; source: string };

export function split(source: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  let trimNext = false;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    let text = source.slice(i, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      if (text) pieces.push({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    if (source.startsWith('- ', start) || source.startsWith('-\t', start) || source.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) pieces.push({ kind: 'text', text });
    const close = findClose(source, start);
    let end = close;
    trimNext = false;
    if (/\s-$/.test(source.slice(start, close))) {
      end = close - 1;
      trimNext = true;
    }
    const inner = source.slice(start, end);
    if (/^\s*\/\*[\s\S]*\*\/\s*$/.test(inner)) {
      i = close + 2;
      continue;
    }
    pieces.push({ kind: 'action', tokens: lex(inner), source: inner.trim() });
    i = close + 2;
  }
  return pieces;
}

// The closing braces outside any quoted string.
function findClose(source: string, from: number): number {
  let quote = '';
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '}' && source[i + 1] === '}') return i;
  }
  throw new TemplateError('unclosed action');
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:0[xX][0-9a-fA-F_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?)/y;

export function lex(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = true;
  const push = (kind: TokenKind, text: string): void => {
    tokens.push({ kind, text, spaced });
    spaced = false;
  };
  const match = (re: RegExp, at: number): string | undefined => {
    re.lastIndex = at;
    return re.exec(src)?.[0];
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      spaced = true;
      i++;
    } else if (c === '|') {
      push('pipe', c);
      i++;
    } else if (c === '(') {
      push('lparen', c);
      i++;
    } else if (c === ')') {
      push('rparen', c);
      i++;
    } else if (c === ',') {
      push('comma', c);
      i++;
    } else if (c === ':' && src[i + 1] === '=') {
      push('declare', ':=');
      i += 2;
    } else if (c === '=') {
      push('assign', '=');
      i++;
    } else if (c === '.') {
      const name = match(IDENT, i + 1);
      if (name !== undefined) {
        push('field', name);
        i += 1 + name.length;
      } else if (/\d/.test(src[i + 1] ?? '')) {
        const n = match(NUMBER, i)!;
        push('number', n);
        i += n.length;
      } else {
        push('dot', '.');
        i++;
      }
    } else if (c === '$') {
      const name = match(IDENT, i + 1) ?? '';
      push('var', `$${name}`);
      i += 1 + name.length;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) throw new TemplateError(`unterminated quoted string in ${src.trim()}`);
      push('string', JSON.parse(src.slice(i, j + 1)) as string);
      i = j + 1;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      if (j < 0) throw new TemplateError(`unterminated raw string in ${src.trim()}`);
      push('string', src.slice(i + 1, j));
      i = j + 1;
    } else if (/[-\d]/.test(c)) {
      const n = match(NUMBER, i);
      if (!n || n === '-') throw new TemplateError(`unexpected "${c}" in ${src.trim()}`);
      push('number', n);
      i += n.length;
    } else {
      const name = match(IDENT, i);
      if (name === undefined) throw new TemplateError(`unexpected "${c}" in ${src.trim()}`);
      push('ident', name);
      i += name.length;
    }
  }
  return tokens;
}
