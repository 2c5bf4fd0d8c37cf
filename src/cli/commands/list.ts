import { columns } from "../columns.ts";
import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function list({ flags }: Call<"list">): Promise<void> {
  const states = await (await runtime()).list();
  if (flags.format === "json") {
    console.log(JSON.stringify(states));
    return;
  }
  if (flags.quiet) {
    for (const s of states) console.log(s.id);
    return;
  }
  const rows = [["ID", "PID", "STATUS", "BUNDLE"], ...states.map((s) => [s.id, String(s.pid ?? 0), s.status, s.bundle])];
  for (const line of columns(rows, 3)) console.log(line);
}
