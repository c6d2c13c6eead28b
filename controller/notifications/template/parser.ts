// Go text/template's tree: text, actions, if/range/with with else and else-if.
import { split, TemplateError, type Token } from './lexer.ts';

export type Arg =
  | { kind: 'field'; names: string[] } // .a.b on dot
  | { kind: 'chain'; node: Arg; names: string[] } // $x.a, (pipe).a
  | { kind: 'dot' }
  | { kind: 'var'; name: string }
  | { kind: 'ident'; name: string }
  | { kind: 'const'; value: unknown }
  | { kind: 'pipe'; pipe: Pipe };

export interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Arg[][];
}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | Control;

export interface Control {
  kind: 'if' | 'with' | 'range';
  pipe: Pipe;
  list: Node[];
  elseList: Node[];
}

const CONTROL = new Set(['if', 'with', 'range', 'else', 'end']);
const UNSUPPORTED = new Set(['define', 'template', 'block', 'break', 'continue']);

export function parseTemplate(source: string): Node[] {
  const pieces = split(source);
  let at = 0;
  // Parses nodes until an else/end, returning which one stopped it.
  const list = (): { nodes: Node[]; stop?: { word: 'else' | 'end'; rest: Token[] } } => {
    const nodes: Node[] = [];
    while (at < pieces.length) {
      const piece = pieces[at++]!;
      if (piece.kind === 'text') {
        nodes.push({ kind: 'text', text: piece.text });
        continue;
      }
      const [first, ...rest] = piece.tokens;
      if (first === undefined) throw new TemplateError('missing value for command');
      if (first.kind === 'ident' && UNSUPPORTED.has(first.text)) throw new TemplateError(`{{${first.text}}} is not supported`);
      if (first.kind === 'ident' && (first.text === 'else' || first.text === 'end')) return { nodes, stop: { word: first.text, rest } };
      if (first.kind === 'ident' && CONTROL.has(first.text)) nodes.push(control(first.text as 'if' | 'with' | 'range', rest));
      else nodes.push({ kind: 'action', pipe: pipeline(piece.tokens, true) });
    }
    return { nodes };
  };
  const control = (word: 'if' | 'with' | 'range', tokens: Token[]): Node => {
    const pipe = pipeline(tokens, true);
    const body = list();
    if (!body.stop) throw new TemplateError(`unexpected EOF: {{${word}}} without {{end}}`);
    let elseList: Node[] = [];
    if (body.stop.word === 'else') {
      const rest = body.stop.rest;
      const head = rest[0];
      if (head?.kind === 'ident' && (head.text === 'if' || head.text === 'with') && word !== 'range') {
        // {{else if x}} is an if nested in the else branch that shares the one {{end}}.
        elseList = [control(head.text, rest.slice(1))];
      } else {
        if (head) throw new TemplateError(`unexpected ${head.text} after {{else}}`);
        const tail = list();
        if (tail.stop?.word !== 'end') throw new TemplateError(`{{${word}}} without {{end}}`);
        elseList = tail.nodes;
      }
    }
    return { kind: word, pipe, list: body.nodes, elseList };
  };
  const top = list();
  if (top.stop) throw new TemplateError(`unexpected {{${top.stop.word}}}`);
  return top.nodes;
}

function pipeline(tokens: Token[], allowDecl: boolean): Pipe {
  let i = 0;
  const decl: string[] = [];
  let assign = false;
  // $x := or $i, $c :=
  const declEnd = tokens.findIndex((t) => t.kind === 'declare' || t.kind === 'assign');
  if (allowDecl && declEnd > 0 && tokens.slice(0, declEnd).every((t) => t.kind === 'var' || t.kind === 'comma')) {
    for (const t of tokens.slice(0, declEnd)) if (t.kind === 'var') decl.push(t.text);
    assign = tokens[declEnd]!.kind === 'assign';
    i = declEnd + 1;
  }
  let current: Arg[] = [];
  const cmds: Arg[][] = [current];
  const peek = (): Token | undefined => tokens[i];
  const term = (): Arg => {
    const t = tokens[i++]!;
    let node: Arg;
    switch (t.kind) {
      case 'field': {
        const names = [t.text];
        while (peek()?.kind === 'field' && !peek()!.spaced) names.push(tokens[i++]!.text);
        return { kind: 'field', names };
      }
      case 'dot':
        node = { kind: 'dot' };
        break;
      case 'var':
        node = { kind: 'var', name: t.text };
        break;
      case 'string':
        node = { kind: 'const', value: t.text };
        break;
      case 'number':
        node = { kind: 'const', value: number(t.text) };
        break;
      case 'ident':
        if (t.text === 'true' || t.text === 'false') node = { kind: 'const', value: t.text === 'true' };
        else if (t.text === 'nil') node = { kind: 'const', value: null };
        else if (CONTROL.has(t.text)) throw new TemplateError(`unexpected ${t.text} in operand`);
        else node = { kind: 'ident', name: t.text };
        break;
      case 'lparen': {
        const close = matching(tokens, i - 1);
        node = { kind: 'pipe', pipe: pipeline(tokens.slice(i, close), false) };
        i = close + 1;
        break;
      }
      default:
        throw new TemplateError(`unexpected "${t.text}" in operand`);
    }
    const names: string[] = [];
    while (peek()?.kind === 'field' && !peek()!.spaced) names.push(tokens[i++]!.text);
    return names.length > 0 ? { kind: 'chain', node, names } : node;
  };
  while (i < tokens.length) {
    const t = peek()!;
    if (t.kind === 'pipe') {
      if (current.length === 0) throw new TemplateError('missing command before |');
      current = [];
      cmds.push(current);
      i++;
    } else current.push(term());
  }
  if (current.length === 0) throw new TemplateError('missing value for command');
  return { decl, assign, cmds };
}

// Integers stay bigint (Go's int), anything with a point or exponent a float64.
function number(text: string): bigint | number {
  const clean = text.replace(/_/g, '');
  if (/^-?(0[xX][0-9a-fA-F]+|\d+)$/.test(clean)) return clean.startsWith('-') ? -BigInt(clean.slice(1)) : BigInt(clean);
  return Number(clean);
}

function matching(tokens: Token[], open: number): number {
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const kind = tokens[j]!.kind;
    if (kind === 'lparen') depth++;
    else if (kind === 'rparen' && --depth === 0) return j;
  }
  throw new TemplateError('unclosed left paren');
}
