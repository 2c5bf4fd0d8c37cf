import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "hooks", description: "show a container's hooks layout and every hook run so far" },
  args: { ...idArg, format: { type: "string", alias: "f", description: "table or json", default: "table" } },
  run({ args }) {
    const { layout, trace } = runtime().hooks(requireId("hooks", args));
    if (args.format === "json") {
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
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
      for (const row of rows)
        out.push(
          "  " +
            row
              .map((c, i) => c.padEnd(widths[i]! + 2))
              .join("")
              .trimEnd(),
        );
    }
    console.log(out.join("\n"));
  },
});
