import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "resume", description: "thaw a paused container" },
  args: idArg,
  async run({ args }) {
    await runtime().resume(requireId("resume", args));
  },
});
