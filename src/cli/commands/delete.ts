import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";

export default defineCommand({
  meta: { name: "delete", description: "delete a container (--force: even when running; a missing id is not an error)" },
  args: { ...idArg, force: { type: "boolean", alias: "f", description: "kill it first if it runs" } },
  async run({ args }) {
    await runtime().delete(requireId("delete", args), { force: !!args.force });
  },
});
