// hooks: a container's hooks and the trace of their runs. The trace holds
// what hooks (some of them programs of the image) wrote, and the layout what
// the config said: every string is escaped (src/text/escape.ts) before it is
// printed, the JSON form too (its values unchanged).
import { escapeJson, escapeText } from "../../text/escape.ts";
import { columns } from "../columns.ts";
import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function hooks({ id, flags }: Call<"hooks">): Promise<void> {
  const { layout, trace, truncated } = (await runtime()).hooks(id);
  if (flags.format === "json") {
    console.log(escapeJson(JSON.stringify({ layout, trace, truncated }, null, 2)));
    return;
  }
  const t = (s: string) => escapeText(s);
  const out: string[] = ["HOOKS"];
  if (!layout.length) out.push("  (none)");
  for (const h of layout) {
    out.push(`  ${h.type}[${h.index}] ${t(h.path)}`);
    out.push(`      argv: ${t(JSON.stringify(h.argv))}`);
    out.push(`      env: ${h.env ? t(JSON.stringify(h.env)) : "(the runtime's)"}${h.timeout ? `  timeout: ${h.timeout} s` : ""}`);
  }
  out.push("", "RUNS");
  if (!trace.length) out.push("  (none yet)");
  else {
    const rows = [["TYPE", "N", "START", "MS", "RESULT", "PATH"]];
    for (const r of trace) {
      const result = r.timedOut ? "timed out" : r.error ? r.error : r.signal ? r.signal : `exit ${r.exitCode}`;
      rows.push([r.type, String(r.index), r.start, String(r.durationMs), result, r.path].map(t));
    }
    out.push(...columns(rows, 2, "  "));
  }
  if (truncated) out.push("  (hooks.log reached its cap: later runs are not recorded)");
  console.log(out.join("\n"));
}
