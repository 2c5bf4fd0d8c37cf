// events: runc's event stream. --stats prints one {"type":"stats",...} object;
// otherwise one every --interval (default 5s), and {"type":"oom","id":...}
// each time the kernel OOM-kills a process of the container (its cgroups'
// oom_kill count, looked at every OOM_POLL_MS), until the container stops.
// Counters above 2^53 are written exact (src/text/json.ts).
import { containerDir } from "../../context.ts";
import { LxcriError } from "../../errors.ts";
import { escapeJson } from "../../text/escape.ts";
import { stringifyExact } from "../../text/json.ts";
import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

const OOM_POLL_MS = 100;

function seconds(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) throw new LxcriError("invalid-argument", `--interval: expected a duration like 5s, got ${JSON.stringify(v)}`);
  return Number(m[1]) * (m[2] === "ms" ? 0.001 : m[2] === "m" ? 60 : 1);
}

export default async function events({ id, flags }: Call<"events">): Promise<void> {
  const rt = await runtime();
  const interval = seconds(flags.interval);
  const print = (event: object) => console.log(escapeJson(stringifyExact(event)));
  if (flags.stats) {
    if ((await rt.state(id)).status === "stopped") throw new LxcriError("bad-state", `container ${id}: container not running`);
    return print({ type: "stats", id, data: await rt.stats(id) });
  }
  const { oomKills } = await import("../../container/stats.ts");
  const { readRecord } = await import("../../container/record.ts");
  const dir = containerDir(rt.ctx, id);
  const kills = () => oomKills(readRecord(dir, id)) ?? 0;
  let seen = kills();
  let nextStats = 0;
  for (;;) {
    const state = await rt.state(id);
    const now = kills();
    for (; seen < now; seen++) print({ type: "oom", id });
    seen = now;
    if (state.status === "stopped") return;
    if (Date.now() >= nextStats) {
      print({ type: "stats", id, data: await rt.stats(id) });
      nextStats = Date.now() + interval * 1000;
    }
    await Bun.sleep(Math.min(OOM_POLL_MS, Math.max(1, nextStats - Date.now())));
  }
}
