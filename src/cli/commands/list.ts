import { defineCommand } from "citty";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "list", description: "list containers" },
  args: {
    format: { type: "string", alias: "f", description: "table or json", default: "table" },
    quiet: { type: "boolean", alias: "q", description: "ids only" },
  },
  async run({ args }) {
    const states = await runtime().list();
    if (args.format === "json") {
      console.log(JSON.stringify(states));
      return;
    }
    if (args.format !== "table") throw new Error(`--format: expected table or json, got ${JSON.stringify(args.format)}`);
    if (args.quiet) {
      for (const s of states) console.log(s.id);
      return;
    }
    const rows = [["ID", "PID", "STATUS", "BUNDLE"], ...states.map((s) => [s.id, String(s.pid ?? 0), s.status, s.bundle])];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]! + 3) : c)).join(""));
  },
});
