import { defineCommand } from "citty";
import { resolve } from "node:path";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";
import { LxcriError } from "../../errors.ts";

export default defineCommand({
  meta: { name: "create", description: "create a container from a bundle (its process waits for start)" },
  args: {
    ...idArg,
    bundle: { type: "string", alias: "b", description: "bundle directory", default: "." },
    "pid-file": { type: "string", description: "file to write the pid the caller waits for" },
    "console-socket": { type: "string", description: "AF_UNIX socket that gets the pty master (process.terminal)" },
    "preserve-fds": { type: "string", description: "pass N more fds (3…3+N-1) to the container process" },
    "no-pivot": { type: "boolean", description: "accepted for compatibility (liblxc always pivots)" },
    "no-new-keyring": { type: "boolean", description: "accepted for compatibility" },
  },
  async run({ args }) {
    const id = requireId("create", args);
    const preserve = args["preserve-fds"] === undefined ? 0 : Number(args["preserve-fds"]);
    if (!Number.isInteger(preserve) || preserve < 0)
      throw new LxcriError("invalid-argument", `--preserve-fds: expected a number, got ${JSON.stringify(args["preserve-fds"])}`);
    await runtime().create(id, {
      bundle: args.bundle,
      pidFile: args["pid-file"],
      consoleSocket: args["console-socket"] ? resolve(args["console-socket"]) : undefined,
      preserveFds: preserve,
    });
  },
});
