// The one table printer (list, hooks): each column as wide as its widest
// cell plus `gap` spaces, at least `min` (Go's tabwriter minwidth, which runc's
// list uses), the last one unpadded.
export function columns(rows: string[][], gap: number, indent = "", min = 0): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(min - gap, ...rows.map((r) => r[i]!.length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]! + gap) : c))
        .join("")
        .trimEnd(),
  );
}
