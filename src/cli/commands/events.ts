// events: runc's event stream. --stats prints one {"type":"stats",...} object;
// otherwise the library's event stream (Runtime.events: stats every --interval,
// default 5s; {"type":"oom"} each time the kernel OOM-kills a process of the
// container; hook runs; the exit), one JSON object a line, until the container
// stops. Counters above 2^53 are written exact (src/text/json.ts).
import { LxcriError } from "../../errors.ts";
import { escapeJson } from "../../text/escape.ts";
import { stringifyExact } from "../../text/json.ts";
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
  const print = (event: object) => console.log(escapeJson(stringifyExact(event)));
  if (flags.stats) {
    if ((await rt.state(id)).status === "stopped") throw new LxcriError("bad-state", `container ${id}: container not running`);
    return print({ type: "stats", id, data: await rt.stats(id) });
  }
  for await (const e of rt.events(id, { interval: interval * 1000 })) print(e);
}
