// Runs a parsed template over JSON-like data the way Go's text/template does
// over a map[string]interface{}.
import { goType, sprint } from './format.ts';
import { functionNamed, truth } from './functions.ts';
import { TemplateError } from './lexer.ts';
import type { Arg, Control, Node, Pipe } from './parser.ts';

interface Scope {
  dot: unknown;
  vars: Array<[string, unknown]>;
}

const MAX_RANGE = 100_000;

export function execute(nodes: Node[], data: unknown): string {
  const out: string[] = [];
  walk(nodes, { dot: data, vars: [['$', data]] }, out);
  return out.join('');
}

function walk(nodes: Node[], scope: Scope, out: string[]): void {
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        out.push(node.text);
        break;
      case 'action': {
        const v = pipe(node.pipe, scope);
        if (node.pipe.decl.length === 0) out.push(sprint(v));
        break;
      }
      case 'if':
      case 'with': {
        const inner: Scope = { dot: scope.dot, vars: [...scope.vars] };
        const v = pipe(node.pipe, inner);
        if (truth(v)) walk(node.list, node.kind === 'with' ? { ...inner, dot: v } : inner, out);
        else walk(node.elseList, inner, out);
        break;
      }
      case 'range':
        range(node, scope, out);
        break;
    }
  }
}

function range(node: Control, scope: Scope, out: string[]): void {
  const { decl, cmds } = node.pipe;
  const v = pipe({ decl: [], assign: false, cmds }, scope);
  let entries: Array<[unknown, unknown]>;
  if (Array.isArray(v)) entries = v.map((e, i) => [BigInt(i), e]);
  else if (v === undefined || v === null) entries = [];
  else if (typeof v === 'object' && !(v instanceof Date)) {
    const map = v as Record<string, unknown>;
    entries = Object.keys(map).sort().map((k) => [k, map[k]]);
  } else throw new TemplateError(`range can't iterate over ${sprint(v)}`);
  if (entries.length > MAX_RANGE) throw new TemplateError(`range over more than ${MAX_RANGE} items`);
  if (entries.length === 0) {
    walk(node.elseList, scope, out);
    return;
  }
  for (const [key, elem] of entries) {
    const vars = [...scope.vars];
    const [first, second] = decl;
    if (first !== undefined && second === undefined) vars.push([first, elem]);
    else if (first !== undefined && second !== undefined) vars.push([first, key], [second, elem]);
    walk(node.list, { dot: elem, vars }, out);
  }
}

function pipe(p: Pipe, scope: Scope): unknown {
  let value: unknown;
  let piped = false;
  for (const cmd of p.cmds) {
    value = command(cmd, scope, piped, value);
    piped = true;
  }
  if (p.decl.length > 0) {
    const name = p.decl[0] ?? '';
    if (p.assign) {
      const slot = [...scope.vars].reverse().find(([n]) => n === name);
      if (!slot) throw new TemplateError(`undefined variable: ${name}`);
      slot[1] = value;
    } else scope.vars.push([name, value]);
  }
  return value;
}

function command(cmd: Arg[], scope: Scope, piped: boolean, last: unknown): unknown {
  const [head, ...rest] = cmd;
  if (head === undefined) throw new TemplateError('empty command');
  if (head.kind === 'ident') {
    const name = head.name;
    if (name === 'and' || name === 'or') return logic(name, [...rest.map((a) => () => arg(a, scope)), ...(piped ? [() => last] : [])]);
    const fn = functionNamed(name);
    if (fn === undefined) throw new TemplateError(`function "${name}" not defined`);
    const args = rest.map((a) => arg(a, scope));
    if (piped) args.push(last);
    return fn(...args);
  }
  if (rest.length > 0 || piped) {
    const target = arg(head, scope);
    if (typeof target === 'function') return (target as (...a: unknown[]) => unknown)(...rest.map((a) => arg(a, scope)), ...(piped ? [last] : []));
    throw new TemplateError(`can't give argument to non-function ${describe(head)}`);
  }
  return arg(head, scope);
}

// and/or stop at the first argument that decides, and return it, not a bool.
function logic(name: 'and' | 'or', args: Array<() => unknown>): unknown {
  if (args.length === 0) throw new TemplateError(`wrong number of args for ${name}: want at least 1 got 0`);
  let v: unknown;
  for (const get of args) {
    v = get();
    if (truth(v) === (name === 'or')) return v;
  }
  return v;
}

function arg(a: Arg, scope: Scope): unknown {
  switch (a.kind) {
    case 'dot':
      return scope.dot;
    case 'const':
      return a.value;
    case 'field':
      return fields(scope.dot, a.names);
    case 'var':
      return variable(a.name, scope);
    case 'chain':
      return fields(arg(a.node, scope), a.names);
    case 'pipe':
      return pipe(a.pipe, { dot: scope.dot, vars: [...scope.vars] });
    case 'ident': {
      const fn = functionNamed(a.name);
      if (fn === undefined) throw new TemplateError(`function "${a.name}" not defined`);
      if (a.name === 'and' || a.name === 'or') throw new TemplateError(`wrong number of args for ${a.name}`);
      return fn();
    }
  }
}

function variable(name: string, scope: Scope): unknown {
  for (let i = scope.vars.length - 1; i >= 0; i--) {
    const [n, v] = scope.vars[i]!;
    if (n === name) return v;
  }
  throw new TemplateError(`undefined variable "${name}"`);
}

function fields(v: unknown, names: string[]): unknown {
  let cur = v;
  for (const name of names) {
    // Go yields the zero value for a field of a missing key, not an error.
    if (cur === undefined || cur === null) return undefined;
    if (typeof cur !== 'object' || Array.isArray(cur) || cur instanceof Date) throw new TemplateError(`can't evaluate field ${name} in type ${goType(cur)}`);
    cur = Object.hasOwn(cur, name) ? (cur as Record<string, unknown>)[name] : undefined;
  }
  return cur;
}

function describe(a: Arg): string {
  if (a.kind === 'field') return `.${a.names.join('.')}`;
  if (a.kind === 'var') return a.name;
  return a.kind;
}
