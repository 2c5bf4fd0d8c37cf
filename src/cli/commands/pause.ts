import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "pause", description: "freeze every process of a running container" },
  args: idArg,
  async run({ args }) {
    await runtime().pause(requireId("pause", args));
  },
});
