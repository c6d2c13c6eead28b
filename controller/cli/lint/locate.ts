import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type PathSegment = string | number;

/**
 * Splits a field path as validation writes it — `spec.strategy.canary.steps[2].setWeight`,
 * `spec.selector.matchLabels[app.kubernetes.io/name]` — into keys and indexes.
 */
export function parseFieldPath(field: string): PathSegment[] {
  const segments: PathSegment[] = [];
  let i = 0;
  let current = '';
  const flush = (): void => {
    if (current !== '') segments.push(current);
    current = '';
  };
  while (i < field.length) {
    const ch = field[i]!;
    if (ch === '.') {
      flush();
      i++;
    } else if (ch === '[') {
      flush();
      const end = field.indexOf(']', i);
      const inner = end === -1 ? field.slice(i + 1) : field.slice(i + 1, end);
      segments.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = end === -1 ? field.length : end + 1;
    } else {
      current += ch;
      i++;
    }
  }
  flush();
  return segments;
}

export interface Position {
  line: number;
  col: number;
}

/**
 * Where `path` is in the YAML source: the key of the deepest existing mapping entry (or the
 * sequence item) along the path, so a missing field points at its parent and an unknown field
 * at itself. Lines and columns are 1-based.
 */
export function locate(doc: Document, path: readonly PathSegment[], lines: LineCounter): Position {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const pos = lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}
