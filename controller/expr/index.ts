// The condition language of Argo Rollouts' successCondition/failureCondition:
// a subset of the expr language (github.com/expr-lang/expr) with Argo's own
// functions. It is interpreted from an AST; nothing in it can reach JavaScript
// beyond the names it is given.
import type { Node, Value } from './ast.ts';
import { builtinNamed, PREDICATES } from './builtins.ts';
import { ExprError } from './errors.ts';
import { evaluate } from './evaluate.ts';
import { parse } from './parser.ts';
import { toValue } from './values.ts';

export { ExprError } from './errors.ts';
export type { Value } from './ast.ts';
export { toValue, typeName } from './values.ts';
// Go's strconv.ParseFloat, which providers also need to read their results as Argo does.
export { parseGoFloat } from './builtins.ts';

export interface Program {
  source: string;
  ast: Node;
  run(env: Record<string, unknown>): Value;
}

export interface CompileOptions {
  // Variables the expression may name; any other name is a compile error.
  names: readonly string[];
}

export function compile(source: string, options: CompileOptions): Program {
  const ast = parse(source, { predicates: PREDICATES });
  const multiline = source.includes('\n');
  check(ast, new Set(options.names), multiline);
  return {
    source,
    ast,
    run(env) {
      const values: Record<string, Value> = Object.create(null) as Record<string, Value>;
      for (const name of options.names) values[name] = toValue(env[name]);
      return evaluate(ast, { env: values, multiline });
    },
  };
}

// Unknown names and wrong argument counts are reported before anything runs,
// as expr does at compile time.
function check(node: Node, names: ReadonlySet<string>, multiline: boolean): void {
  const fail = (message: string, n: Node): never => {
    throw new ExprError(message, n.pos, multiline);
  };
  const visit = (n: Node): void => {
    switch (n.kind) {
      case 'identifier':
        if (!names.has(n.name)) fail(`unknown name ${n.name}`, n);
        return;
      case 'call': {
        if (PREDICATES.has(n.callee)) {
          if (n.args.length !== 2) fail(`${n.callee}() expects 2 arguments (a collection and a predicate), got ${n.args.length}`, n);
        } else {
          const builtin = builtinNamed(n.callee);
          if (builtin === undefined) fail(`unknown function ${n.callee}()`, n);
          else if (n.args.length < builtin.min || n.args.length > builtin.max) {
            const expected = builtin.min === builtin.max ? `${builtin.min}` : `at least ${builtin.min}`;
            fail(`${n.callee}() expects ${expected} argument${builtin.min === 1 && builtin.max === 1 ? '' : 's'}, got ${n.args.length}`, n);
          }
        }
        n.args.forEach(visit);
        return;
      }
      case 'array':
        n.elements.forEach(visit);
        return;
      case 'map':
        n.entries.forEach((e) => visit(e.value));
        return;
      case 'member':
        visit(n.object);
        visit(n.property);
        return;
      case 'slice':
        visit(n.object);
        if (n.from) visit(n.from);
        if (n.to) visit(n.to);
        return;
      case 'closure':
        visit(n.body);
        return;
      case 'unary':
        visit(n.operand);
        return;
      case 'binary':
        visit(n.left);
        visit(n.right);
        return;
      case 'conditional':
        visit(n.test);
        visit(n.consequent);
        visit(n.alternate);
        return;
      case 'literal':
      case 'pointer':
        return;
    }
  };
  visit(node);
}
