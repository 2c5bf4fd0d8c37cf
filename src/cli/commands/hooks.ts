import { columns } from "../columns.ts";
import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function hooks({ id, flags }: Call<"hooks">): Promise<void> {
  const { layout, trace } = (await runtime()).hooks(id);
  if (flags.format === "json") {
    console.log(JSON.stringify({ layout, trace }, null, 2));
    return;
  }
  const out: string[] = ["HOOKS"];
  if (!layout.length) out.push("  (none)");
  for (const h of layout) {
    out.push(`  ${h.type}[${h.index}] ${h.path}`);
    out.push(`      argv: ${JSON.stringify(h.argv)}`);
    out.push(`      env: ${h.env ? JSON.stringify(h.env) : "(the runtime's)"}${h.timeout ? `  timeout: ${h.timeout} s` : ""}`);
  }
  out.push("", "RUNS");
  if (!trace.length) out.push("  (none yet)");
  else {
    const rows = [["TYPE", "N", "START", "MS", "RESULT", "PATH"]];
    for (const r of trace) {
      const result = r.timedOut ? "timed out" : r.error ? r.error : r.signal ? r.signal : `exit ${r.exitCode}`;
      rows.push([r.type, String(r.index), r.start, String(r.durationMs), result, r.path]);
    }
    out.push(...columns(rows, 2, "  "));
  }
  console.log(out.join("\n"));
}
