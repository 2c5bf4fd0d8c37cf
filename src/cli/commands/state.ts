import { defineCommand } from "citty";
import { idArg, requireId } from "../args.ts";
import { globals } from "../global-options.ts";
import { printState } from "../state-json.ts";

export default defineCommand({
  meta: { name: "state", description: "print the state of a container as JSON" },
  args: idArg,
  run({ args }) {
    printState(globals.root, requireId("state", args));
  },
});
