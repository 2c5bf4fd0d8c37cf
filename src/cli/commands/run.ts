import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "run", description: "create, start, wait and delete; exits with the container's status" },
  args: {
    ...idArg,
    bundle: { type: "string", alias: "b", description: "bundle directory", default: "." },
    "pid-file": { type: "string", description: "file to write the monitor's pid" },
  },
  async run({ args }) {
    const code = await runtime().run(requireId("run", args), { bundle: args.bundle, pidFile: args["pid-file"], forwardSignals: true });
    process.exitCode = code;
  },
});
