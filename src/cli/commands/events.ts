// events: runc's stats stream. --stats prints one {"type":"stats",...} object;
// otherwise one every --interval (default 5s) until the container stops.
import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";
import { LxcriError } from "../../errors.ts";

function seconds(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  if (!m) throw new LxcriError("invalid-argument", `--interval: expected a duration like 5s, got ${JSON.stringify(v)}`);
  return Number(m[1]) * (m[2] === "ms" ? 0.001 : m[2] === "m" ? 60 : 1);
}

export default defineCommand({
  meta: { name: "events", description: "print container statistics (cpu, memory, pids) as JSON" },
  args: {
    ...idArg,
    stats: { type: "boolean", description: "print the statistics once and exit" },
    interval: { type: "string", description: "time between statistics (default 5s)", default: "5s" },
  },
  async run({ args }) {
    const id = requireId("events", args);
    const rt = runtime();
    const interval = seconds(args.interval);
    for (;;) {
      const state = await rt.state(id);
      if (state.status === "stopped") {
        if (args.stats) throw new LxcriError("bad-state", `container ${id}: container not running`);
        return;
      }
      console.log(JSON.stringify({ type: "stats", id, data: await rt.stats(id) }));
      if (args.stats) return;
      await Bun.sleep(interval * 1000);
    }
  },
});
