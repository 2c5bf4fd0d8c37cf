// events: runc's stats stream. --stats prints one {"type":"stats",...} object;
// otherwise the library's event stream (Runtime.events: stats every --interval,
// default 5s, OOM kills, hook runs), one JSON object a line, until the container stops.
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
  if (flags.stats) {
    if ((await rt.state(id)).status === "stopped") throw new LxcriError("bad-state", `container ${id}: container not running`);
    console.log(escapeJson(JSON.stringify({ type: "stats", id, data: await rt.stats(id) })));
    return;
  }
  for await (const e of rt.events(id, { interval: interval * 1000 })) console.log(escapeJson(JSON.stringify(e)));
}
