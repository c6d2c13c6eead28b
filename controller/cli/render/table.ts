/**
 * Column alignment as Go's text/tabwriter (minwidth 0, padding 2) lays out Argo's tables: each
 * line is cells separated by tabs, every cell but the last is padded to its column's widest
 * cell plus two spaces. Widths ignore ANSI colour codes and count code points, so coloured and
 * plain output align the same way. Trailing spaces are dropped.
 */
const ANSI = /\x1b\[[0-9;]*m/g;

export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

export function alignColumns(lines: readonly string[], padding = 2): string[] {
  const rows = lines.map((line) => line.split('\t'));
  const widths: number[] = [];
  for (const cells of rows) {
    for (let i = 0; i < cells.length - 1; i++) {
      widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cells[i]!));
    }
  }
  return rows.map((cells) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) + padding - visibleWidth(cell))))
      .join('')
      .trimEnd(),
  );
}
