import { defineCommand } from "citty";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultSpec } from "../../spec/default.ts";

export default defineCommand({
  meta: { name: "spec", description: "write a default config.json" },
  args: { bundle: { type: "string", alias: "b", description: "directory to write config.json in", default: "." } },
  run({ args }) {
    const file = join(args.bundle, "config.json");
    if (existsSync(file)) throw new Error(`${file} already exists`);
    writeFileSync(file, JSON.stringify(defaultSpec(), null, "\t") + "\n");
  },
});
