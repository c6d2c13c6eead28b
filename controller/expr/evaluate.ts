import type { Node, Value } from './ast.ts';
import { builtinNamed, BuiltinError, PREDICATES } from './builtins.ts';
import { ExprError, type Position } from './errors.ts';
import { equal, formatValue, getKey, hasKey, isMap, newMap, typeName, type MapValue } from './values.ts';

interface Scope {
  element: Value;
  index: number;
}

export interface EvalContext {
  env: Readonly<Record<string, Value>>;
  multiline: boolean;
}

export function evaluate(node: Node, ctx: EvalContext): Value {
  return new Evaluator(ctx).eval(node, []);
}

class Evaluator {
  constructor(private readonly ctx: EvalContext) {}

  private fail(message: string, pos: Position): never {
    throw new ExprError(message, pos, this.ctx.multiline);
  }

  eval(node: Node, scopes: Scope[]): Value {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'array':
        return node.elements.map((e) => this.eval(e, scopes));
      case 'map': {
        const out = newMap();
        for (const entry of node.entries) out[entry.key] = this.eval(entry.value, scopes);
        return out;
      }
      case 'identifier':
        if (!Object.prototype.hasOwnProperty.call(this.ctx.env, node.name)) this.fail(`unknown name ${node.name}`, node.pos);
        return this.ctx.env[node.name] ?? null;
      case 'pointer': {
        const scope = scopes[scopes.length - 1];
        if (scope === undefined) return this.fail(`'#${node.name}' can only be used inside a predicate`, node.pos);
        if (node.name === '') return scope.element;
        if (node.name === 'index') return scope.index;
        return this.fail(`unknown pointer #${node.name}`, node.pos);
      }
      case 'member':
        return this.member(node, scopes);
      case 'slice':
        return this.slice(node, scopes);
      case 'call':
        return this.call(node, scopes);
      case 'closure':
        return this.fail('a predicate can only be used as the argument of a builtin like all() or filter()', node.pos);
      case 'unary':
        return this.unary(node.op, this.eval(node.operand, scopes), node.pos);
      case 'binary':
        return this.binary(node, scopes);
      case 'conditional': {
        const test = this.eval(node.test, scopes);
        if (typeof test !== 'boolean') {
          this.fail(`non-bool expression (type ${typeName(test)}) used as condition`, node.pos);
        }
        return test ? this.eval(node.consequent, scopes) : this.eval(node.alternate, scopes);
      }
    }
  }

  private member(node: Extract<Node, { kind: 'member' }>, scopes: Scope[]): Value {
    const object = this.eval(node.object, scopes);
    const key = this.eval(node.property, scopes);
    if (object === null) {
      if (node.optional) return null;
      return this.fail(`cannot fetch ${formatValue(key)} from nil`, node.pos);
    }
    if (Array.isArray(object)) {
      if (typeof key !== 'number' || !Number.isInteger(key)) {
        return this.fail(`cannot fetch ${formatValue(key)} from array: index must be an integer`, node.pos);
      }
      const i = key < 0 ? object.length + key : key;
      if (i < 0 || i >= object.length) {
        return this.fail(`index out of range: ${key} (array length is ${object.length})`, node.pos);
      }
      return object[i]!;
    }
    if (isMap(object)) {
      if (typeof key !== 'string') return this.fail(`cannot fetch ${formatValue(key)} from map: key must be a string`, node.pos);
      return getKey(object, key);
    }
    if (typeof object === 'string' && typeof key === 'number' && Number.isInteger(key)) {
      const chars = [...object];
      const i = key < 0 ? chars.length + key : key;
      if (i < 0 || i >= chars.length) {
        return this.fail(`index out of range: ${key} (string length is ${chars.length})`, node.pos);
      }
      return chars[i]!;
    }
    return this.fail(`cannot fetch ${formatValue(key)} from ${typeName(object)} ${formatValue(object)}`, node.pos);
  }

  private slice(node: Extract<Node, { kind: 'slice' }>, scopes: Scope[]): Value {
    const object = this.eval(node.object, scopes);
    const items: Value[] | string[] | undefined =
      Array.isArray(object) ? object : typeof object === 'string' ? [...object] : undefined;
    if (items === undefined) return this.fail(`cannot slice ${typeName(object)}`, node.pos);
    const bound = (n: Node | undefined, fallback: number): number => {
      if (n === undefined) return fallback;
      const v = this.eval(n, scopes);
      if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail('slice bounds must be integers', n.pos);
      const i = v < 0 ? items.length + v : v;
      return Math.min(Math.max(i, 0), items.length);
    };
    const from = bound(node.from, 0);
    const to = bound(node.to, items.length);
    if (from > to) return this.fail(`invalid slice bounds [${from}:${to}]`, node.pos);
    const part = items.slice(from, to);
    return typeof object === 'string' ? (part as string[]).join('') : (part as Value[]);
  }

  private call(node: Extract<Node, { kind: 'call' }>, scopes: Scope[]): Value {
    if (PREDICATES.has(node.callee)) return this.predicate(node, scopes);
    const builtin = builtinNamed(node.callee);
    if (builtin === undefined) return this.fail(`unknown function ${node.callee}()`, node.pos);
    const args = node.args.map((a) => this.eval(a, scopes));
    try {
      return builtin.call(args, { result: this.ctx.env['result'] ?? null });
    } catch (err) {
      if (err instanceof BuiltinError) return this.fail(err.message, node.pos);
      throw err;
    }
  }

  private predicate(node: Extract<Node, { kind: 'call' }>, scopes: Scope[]): Value {
    const [collectionNode, closure] = node.args;
    if (collectionNode === undefined || closure === undefined || closure.kind !== 'closure') {
      return this.fail(`${node.callee}() expects a collection and a predicate`, node.pos);
    }
    const collection = this.eval(collectionNode, scopes);
    if (!Array.isArray(collection)) {
      return this.fail(`${node.callee}() expects an array, got ${typeName(collection)}`, collectionNode.pos);
    }
    const apply = (element: Value, index: number): Value =>
      this.eval(closure.body, [...scopes, { element, index }]);
    const test = (element: Value, index: number): boolean => {
      const v = apply(element, index);
      if (typeof v !== 'boolean') {
        return this.fail(`predicate of ${node.callee}() must return bool, got ${typeName(v)}`, closure.pos);
      }
      return v;
    };
    switch (node.callee) {
      case 'all':
        return collection.every(test);
      case 'any':
        return collection.some(test);
      case 'none':
        return !collection.some(test);
      case 'one':
        return collection.filter(test).length === 1;
      case 'filter':
        return collection.filter(test);
      case 'map':
        return collection.map(apply);
      case 'count':
        return collection.filter(test).length;
      case 'find':
        return collection.find(test) ?? null;
      case 'findIndex':
        return collection.findIndex(test);
      case 'findLast': {
        for (let i = collection.length - 1; i >= 0; i--) if (test(collection[i]!, i)) return collection[i]!;
        return null;
      }
      default: {
        for (let i = collection.length - 1; i >= 0; i--) if (test(collection[i]!, i)) return i;
        return -1;
      }
    }
  }

  private unary(op: string, v: Value, pos: Position): Value {
    switch (op) {
      case 'not':
        if (typeof v !== 'boolean') return this.fail(`invalid operation: ! (mismatched type ${typeName(v)})`, pos);
        return !v;
      case '-':
        if (typeof v !== 'number') return this.fail(`invalid operation: - (mismatched type ${typeName(v)})`, pos);
        return -v;
      default:
        if (typeof v !== 'number') return this.fail(`invalid operation: + (mismatched type ${typeName(v)})`, pos);
        return v;
    }
  }

  private binary(node: Extract<Node, { kind: 'binary' }>, scopes: Scope[]): Value {
    const { op, pos } = node;
    if (op === '&&' || op === 'and' || op === '||' || op === 'or') {
      const isAnd = op === '&&' || op === 'and';
      const left = this.eval(node.left, scopes);
      if (typeof left !== 'boolean') return this.fail(`invalid operation: ${op} (left operand is ${typeName(left)}, not bool)`, pos);
      if (isAnd ? !left : left) return left;
      const right = this.eval(node.right, scopes);
      if (typeof right !== 'boolean') {
        return this.fail(`invalid operation: ${op} (right operand is ${typeName(right)}, not bool)`, pos);
      }
      return right;
    }
    if (op === '??') {
      const left = this.eval(node.left, scopes);
      return left !== null ? left : this.eval(node.right, scopes);
    }
    const left = this.eval(node.left, scopes);
    const right = this.eval(node.right, scopes);
    const mismatch = (): never =>
      this.fail(`invalid operation: ${op} (mismatched types ${typeName(left)} and ${typeName(right)})`, pos);
    switch (op) {
      case '==':
        return equal(left, right);
      case '!=':
        return !equal(left, right);
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const comparable =
          (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
        if (!comparable) return mismatch();
        const l = left as number | string;
        const r = right as number | string;
        return op === '<' ? l < r : op === '>' ? l > r : op === '<=' ? l <= r : l >= r;
      }
      case '+':
        if (typeof left === 'number' && typeof right === 'number') return left + right;
        if (typeof left === 'string' && typeof right === 'string') return left + right;
        if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
        return mismatch();
      case '-':
      case '*':
      case '/':
      case '**':
      case '^': {
        if (typeof left !== 'number' || typeof right !== 'number') return mismatch();
        if (op === '-') return left - right;
        if (op === '*') return left * right;
        if (op === '/') return left / right;
        return left ** right;
      }
      case '%': {
        if (typeof left !== 'number' || typeof right !== 'number') return mismatch();
        if (!Number.isInteger(left) || !Number.isInteger(right)) {
          return this.fail(`invalid operation: % (operands must be integers, got ${left} and ${right})`, pos);
        }
        if (right === 0) return this.fail('integer divide by zero', pos);
        return left % right;
      }
      case 'in':
        return this.member_in(left, right, pos);
      case '..': {
        if (!Number.isInteger(left) || !Number.isInteger(right)) return mismatch();
        const out: number[] = [];
        for (let i = left as number; i <= (right as number) && out.length <= 1_000_000; i++) out.push(i);
        return out;
      }
      case 'contains':
      case 'startsWith':
      case 'endsWith':
      case 'matches': {
        if (typeof left !== 'string' || typeof right !== 'string') return mismatch();
        if (op === 'contains') return left.includes(right);
        if (op === 'startsWith') return left.startsWith(right);
        if (op === 'endsWith') return left.endsWith(right);
        let re: RegExp;
        try {
          re = new RegExp(right, 'u');
        } catch (err) {
          return this.fail(`invalid regular expression ${JSON.stringify(right)}: ${(err as Error).message}`, pos);
        }
        return re.test(left);
      }
      default:
        return this.fail(`unknown operator ${op}`, pos);
    }
  }

  private member_in(left: Value, right: Value, pos: Position): boolean {
    if (Array.isArray(right)) return right.some((x) => equal(left, x));
    if (isMap(right)) {
      if (typeof left !== 'string') return this.fail(`invalid operation: in (map key must be a string, got ${typeName(left)})`, pos);
      return hasKey(right as MapValue, left);
    }
    if (right === null) return false;
    return this.fail(`invalid operation: in (right operand must be an array or a map, got ${typeName(right)})`, pos);
  }
}
