import type { Position } from './errors.ts';

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

export type Node =
  | { kind: 'literal'; value: Value; integer?: boolean; pos: Position }
  | { kind: 'array'; elements: Node[]; pos: Position }
  | { kind: 'map'; entries: { key: string; value: Node }[]; pos: Position }
  | { kind: 'identifier'; name: string; pos: Position }
  // `#` is the element a predicate is looking at, `#index` its position.
  | { kind: 'pointer'; name: string; pos: Position }
  | { kind: 'member'; object: Node; property: Node; optional: boolean; pos: Position }
  | { kind: 'slice'; object: Node; from: Node | undefined; to: Node | undefined; pos: Position }
  | { kind: 'call'; callee: string; args: Node[]; pos: Position }
  | { kind: 'closure'; body: Node; pos: Position }
  | { kind: 'unary'; op: string; operand: Node; pos: Position }
  | { kind: 'binary'; op: string; left: Node; right: Node; pos: Position }
  | { kind: 'conditional'; test: Node; consequent: Node; alternate: Node; pos: Position };
