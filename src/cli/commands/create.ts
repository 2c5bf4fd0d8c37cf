import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "create", description: "create a container from a bundle (its process waits for start)" },
  args: {
    ...idArg,
    bundle: { type: "string", alias: "b", description: "bundle directory", default: "." },
    "pid-file": { type: "string", description: "file to write the pid the caller waits for" },
    "console-socket": { type: "string", description: "not supported yet" },
    "no-pivot": { type: "boolean", description: "accepted for compatibility" },
    "no-new-keyring": { type: "boolean", description: "accepted for compatibility" },
  },
  async run({ args }) {
    const id = requireId("create", args);
    if (args["console-socket"]) throw new Error("--console-socket is not supported yet");
    await runtime().create(id, { bundle: args.bundle, pidFile: args["pid-file"] });
  },
});
