/**
 * Ramp and another controller side by side: the figures both measured, joined by section and
 * name, with the ratio Ramp / other (below 1 is Ramp ahead for times, memory, CPU and requests,
 * which is every figure the side-by-side run takes). Pure.
 */
import { formatValue, type Figure } from './report.ts';

export interface ComparedRow {
  section: string;
  name: string;
  unit: string;
  ours: number;
  theirs: number;
  /** ours / theirs; 1 when both are 0, Infinity when only theirs is. */
  ratio: number;
}

export function ratioOf(ours: number, theirs: number): number {
  if (ours === 0 && theirs === 0) return 1;
  return ours / theirs;
}

/** One row per figure of `ours`, in its order, that `theirs` has too (same section, name and unit). */
export function compareFigures(ours: readonly Figure[], theirs: readonly Figure[]): ComparedRow[] {
  return ours.flatMap((f) => {
    const other = theirs.find((t) => t.section === f.section && t.name === f.name && t.unit === f.unit);
    return other ? [{ section: f.section, name: f.name, unit: f.unit, ours: f.value, theirs: other.value, ratio: ratioOf(f.value, other.value) }] : [];
  });
}

export function formatRatio(r: number): string {
  if (Number.isNaN(r)) return 'n/a';
  if (r === Infinity) return '∞';
  return r >= 10 ? r.toFixed(0) : r.toFixed(2);
}

const cells = (r: ComparedRow): string[] => [r.section, r.name, formatValue(r.ours), formatValue(r.theirs), formatRatio(r.ratio), r.unit];

/** A plain-text table for the terminal. */
export function renderComparisonTable(rows: readonly ComparedRow[], ourName: string, theirName: string): string {
  const header = ['section', 'figure', ourName, theirName, `${ourName}/${theirName}`, 'unit'];
  const body = rows.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const numeric = new Set([2, 3, 4]);
  const line = (c: string[]): string => c.map((v, i) => (numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The same rows as a Markdown table, for docs/performance.md. */
export function renderComparisonMarkdown(rows: readonly ComparedRow[], ourName: string, theirName: string): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    `| section | figure | ${ourName} | ${theirName} | ${ourName}/${theirName} | unit |`,
    '|---|---|--:|--:|--:|---|',
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}
