import type { Node } from './ast.ts';
import { ExprError, type Position } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';

// Precedences follow the expr language (github.com/expr-lang/expr) that Argo
// Rollouts evaluates conditions with, so the same text groups the same way.
const BINARY: Record<string, { precedence: number; right?: boolean }> = {
  or: { precedence: 10 },
  '||': { precedence: 10 },
  and: { precedence: 15 },
  '&&': { precedence: 15 },
  '==': { precedence: 20 },
  '!=': { precedence: 20 },
  '<': { precedence: 20 },
  '>': { precedence: 20 },
  '>=': { precedence: 20 },
  '<=': { precedence: 20 },
  in: { precedence: 20 },
  matches: { precedence: 20 },
  contains: { precedence: 20 },
  startsWith: { precedence: 20 },
  endsWith: { precedence: 20 },
  '..': { precedence: 25 },
  '+': { precedence: 30 },
  '-': { precedence: 30 },
  '*': { precedence: 60 },
  '/': { precedence: 60 },
  '%': { precedence: 60 },
  '**': { precedence: 100, right: true },
  '^': { precedence: 100, right: true },
  '??': { precedence: 500 },
};

const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };

const WORD_OPERATORS = new Set(['and', 'or', 'not', 'in', 'matches', 'contains', 'startsWith', 'endsWith']);

const MAX_DEPTH = 200;

export interface ParseOptions {
  // Builtins whose second argument is a predicate over `#`.
  predicates: ReadonlySet<string>;
}

export function parse(source: string, options: ParseOptions): Node {
  return new Parser(source, options).parseProgram();
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  private closures = 0;
  private readonly multiline: boolean;

  constructor(
    source: string,
    private readonly options: ParseOptions,
  ) {
    this.multiline = source.includes('\n');
    this.tokens = tokenize(source);
  }

  parseProgram(): Node {
    if (this.current.kind === 'eof') throw this.error('empty expression', this.current.pos);
    const node = this.parseExpression(0);
    const rest = this.peek(0);
    if (rest.kind !== 'eof') throw this.unexpected(rest);
    return node;
  }

  private get current(): Token {
    return this.tokens[this.index]!;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.current;
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private isOperator(value: string, token: Token = this.current): boolean {
    if (token.kind === 'operator') return token.value === value;
    return token.kind === 'identifier' && WORD_OPERATORS.has(value) && token.value === value;
  }

  private expect(value: string): Token {
    if (!this.isOperator(value)) {
      const token = this.current;
      const found = token.kind === 'eof' ? 'end of expression' : `token '${token.text}'`;
      throw this.error(`expected '${value}' but found ${found}`, token.pos);
    }
    return this.next();
  }

  private error(message: string, pos: Position): ExprError {
    return new ExprError(message, pos, this.multiline);
  }

  private unexpected(token: Token): ExprError {
    if (token.kind === 'eof') return this.error('unexpected end of expression', token.pos);
    return this.error(`unexpected token '${token.text}'`, token.pos);
  }

  private parseExpression(precedence: number): Node {
    if (++this.depth > MAX_DEPTH) throw this.error('expression is nested too deeply', this.current.pos);
    let left = this.parseUnary();
    for (;;) {
      const token = this.current;
      let op: string | undefined;
      let negate = false;
      if (this.isOperator('not') && this.isOperator('in', this.peek())) {
        op = 'in';
        negate = true;
      } else if (token.kind === 'operator' || (token.kind === 'identifier' && WORD_OPERATORS.has(token.value))) {
        op = token.value;
      }
      const info = op === undefined ? undefined : BINARY[op];
      if (op === undefined || info === undefined || info.precedence < precedence) break;
      this.next();
      if (negate) this.next();
      const right = this.parseExpression(info.right ? info.precedence : info.precedence + 1);
      const node: Node = { kind: 'binary', op, left, right, pos: token.pos };
      left = negate ? { kind: 'unary', op: 'not', operand: node, pos: token.pos } : node;
    }
    if (precedence === 0) left = this.parseConditional(left);
    this.depth--;
    return left;
  }

  private parseConditional(test: Node): Node {
    while (this.isOperator('?')) {
      const token = this.next();
      if (this.isOperator(':')) {
        // `a ?: b` is expr's shorthand for `a ? a : b`.
        this.next();
        const alternate = this.parseExpression(0);
        test = { kind: 'conditional', test, consequent: test, alternate, pos: token.pos };
        continue;
      }
      const consequent = this.parseExpression(0);
      this.expect(':');
      const alternate = this.parseExpression(0);
      test = { kind: 'conditional', test, consequent, alternate, pos: token.pos };
    }
    return test;
  }

  private parseUnary(): Node {
    const token = this.current;
    const isUnary =
      (token.kind === 'operator' && token.value in UNARY) || (token.kind === 'identifier' && token.value === 'not');
    if (isUnary) {
      this.next();
      const operand = this.parseExpression(UNARY[token.value]!);
      return { kind: 'unary', op: token.value === '!' ? 'not' : token.value, operand, pos: token.pos };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Node {
    const token = this.current;
    switch (token.kind) {
      case 'number':
        this.next();
        return { kind: 'literal', value: token.number!, integer: token.integer ?? false, pos: token.pos };
      case 'string':
        this.next();
        return { kind: 'literal', value: token.value, pos: token.pos };
      case 'pointer':
        if (this.closures === 0) throw this.error(`'${token.text}' can only be used inside a predicate`, token.pos);
        this.next();
        return { kind: 'pointer', name: token.value, pos: token.pos };
      case 'identifier':
        return this.parseIdentifier();
      case 'operator':
        return this.parseOperatorPrimary(token);
      default:
        throw this.unexpected(token);
    }
  }

  private parseIdentifier(): Node {
    const token = this.next();
    switch (token.value) {
      case 'true':
        return { kind: 'literal', value: true, pos: token.pos };
      case 'false':
        return { kind: 'literal', value: false, pos: token.pos };
      case 'nil':
        return { kind: 'literal', value: null, pos: token.pos };
    }
    if (WORD_OPERATORS.has(token.value)) throw this.unexpected(token);
    if (this.isOperator('(')) return this.parseCall(token);
    return { kind: 'identifier', name: token.value, pos: token.pos };
  }

  private parseCall(name: Token): Node {
    this.expect('(');
    const args: Node[] = [];
    const predicate = this.options.predicates.has(name.value);
    while (!this.isOperator(')')) {
      if (args.length > 0) {
        this.expect(',');
        if (this.isOperator(')')) break;
      }
      if (predicate && args.length === 1) args.push(this.parseClosure());
      else args.push(this.parseExpression(0));
    }
    this.expect(')');
    return { kind: 'call', callee: name.value, args, pos: name.pos };
  }

  // Predicates may be written `{# > 1}` (older expr) or bare `# > 1` (newer).
  private parseClosure(): Node {
    const token = this.current;
    this.closures++;
    let body: Node;
    if (this.isOperator('{')) {
      this.next();
      body = this.parseExpression(0);
      this.expect('}');
    } else {
      body = this.parseExpression(0);
    }
    this.closures--;
    return { kind: 'closure', body, pos: token.pos };
  }

  private parseOperatorPrimary(token: Token): Node {
    switch (token.value) {
      case '(': {
        this.next();
        const inner = this.parseExpression(0);
        this.expect(')');
        return inner;
      }
      case '[': {
        this.next();
        const elements: Node[] = [];
        while (!this.isOperator(']')) {
          if (elements.length > 0) {
            this.expect(',');
            if (this.isOperator(']')) break;
          }
          elements.push(this.parseExpression(0));
        }
        this.expect(']');
        return { kind: 'array', elements, pos: token.pos };
      }
      case '{':
        return this.parseMap();
      case '.': {
        // `.field` inside a predicate is shorthand for `#.field`.
        if (this.closures === 0) throw this.unexpected(token);
        this.next();
        const name = this.current;
        if (name.kind !== 'identifier') throw this.unexpected(name);
        this.next();
        return {
          kind: 'member',
          object: { kind: 'pointer', name: '', pos: token.pos },
          property: { kind: 'literal', value: name.value, pos: name.pos },
          optional: false,
          pos: token.pos,
        };
      }
      default:
        throw this.unexpected(token);
    }
  }

  private parseMap(): Node {
    const open = this.next();
    const entries: { key: string; value: Node }[] = [];
    while (!this.isOperator('}')) {
      if (entries.length > 0) {
        this.expect(',');
        if (this.isOperator('}')) break;
      }
      const keyToken = this.next();
      let key: string;
      if (keyToken.kind === 'identifier' || keyToken.kind === 'string') key = keyToken.value;
      else if (keyToken.kind === 'number') key = String(keyToken.number);
      else throw this.unexpected(keyToken);
      this.expect(':');
      entries.push({ key, value: this.parseExpression(0) });
    }
    this.expect('}');
    return { kind: 'map', entries, pos: open.pos };
  }

  private parsePostfix(node: Node): Node {
    for (;;) {
      const token = this.current;
      if (this.isOperator('.') || this.isOperator('?.')) {
        this.next();
        const optional = token.value === '?.';
        if (optional && this.isOperator('[')) {
          node = this.parseIndex(node, true);
          continue;
        }
        const name = this.current;
        if (name.kind !== 'identifier') throw this.unexpected(name);
        this.next();
        if (this.isOperator('(')) {
          throw this.error(`method calls are not supported: '${name.value}(...)'`, name.pos);
        }
        node = {
          kind: 'member',
          object: node,
          property: { kind: 'literal', value: name.value, pos: name.pos },
          optional,
          pos: name.pos,
        };
        continue;
      }
      if (this.isOperator('[')) {
        node = this.parseIndex(node, false);
        continue;
      }
      return node;
    }
  }

  private parseIndex(object: Node, optional: boolean): Node {
    const open = this.expect('[');
    let from: Node | undefined;
    if (!this.isOperator(':')) from = this.parseExpression(0);
    if (this.isOperator(':')) {
      this.next();
      const to = this.isOperator(']') ? undefined : this.parseExpression(0);
      this.expect(']');
      return { kind: 'slice', object, from, to, pos: open.pos };
    }
    this.expect(']');
    if (from === undefined) throw this.error('missing index', open.pos);
    return { kind: 'member', object, property: from, optional, pos: open.pos };
  }
}
