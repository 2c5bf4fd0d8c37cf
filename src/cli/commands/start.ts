import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "start", description: "run the process of a created container" },
  args: idArg,
  async run({ args }) {
    await runtime().start(requireId("start", args));
  },
});
