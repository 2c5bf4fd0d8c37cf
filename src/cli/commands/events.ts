// events: runc's stats stream. --stats prints one {"type":"stats",...} object;
// otherwise one every --interval (default 5s) until the container stops.
import { LxcriError } from "../../errors.ts";
import { escapeJson } from "../../text/escape.ts";
import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

function seconds(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) throw new LxcriError("invalid-argument", `--interval: expected a duration like 5s, got ${JSON.stringify(v)}`);
  return Number(m[1]) * (m[2] === "ms" ? 0.001 : m[2] === "m" ? 60 : 1);
}

export default async function events({ id, flags }: Call<"events">): Promise<void> {
  const rt = await runtime();
  const interval = seconds(flags.interval);
  for (;;) {
    const state = await rt.state(id);
    if (state.status === "stopped") {
      if (flags.stats) throw new LxcriError("bad-state", `container ${id}: container not running`);
      return;
    }
    console.log(escapeJson(JSON.stringify({ type: "stats", id, data: await rt.stats(id) })));
    if (flags.stats) return;
    await Bun.sleep(interval * 1000);
  }
}
