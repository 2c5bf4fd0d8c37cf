// The one table printer (list, hooks): each column as wide as its widest
// cell plus `gap` spaces, the last one unpadded.
export function columns(rows: string[][], gap: number, indent = ""): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map(
    (r) =>
      indent +
      r
        .map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]! + gap) : c))
        .join("")
        .trimEnd(),
  );
}
