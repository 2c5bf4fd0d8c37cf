import { defineCommand } from "citty";
import { requireId } from "../args.ts";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "kill", description: "send a signal (default SIGTERM) to a container's process" },
  args: {
    id: { type: "positional", description: "container id", required: false },
    signal: { type: "positional", description: "signal: 1-64, TERM, SIGTERM, RTMIN+n or RTMAX-n", required: false },
    all: { type: "boolean", alias: "a", description: "signal every process in the container's cgroups" },
  },
  async run({ args }) {
    const id = requireId("kill", args, 2);
    await runtime().kill(id, args._[1], { all: !!args.all });
  },
});
