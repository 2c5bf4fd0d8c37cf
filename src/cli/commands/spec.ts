import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultSpec } from "../../spec/default.ts";
import type { Call } from "../table.ts";

export default function spec({ flags }: Call<"spec">): void {
  const file = join(flags.bundle, "config.json");
  if (existsSync(file)) throw new Error(`${file} already exists`);
  writeFileSync(file, JSON.stringify(defaultSpec(), null, "\t") + "\n");
}
