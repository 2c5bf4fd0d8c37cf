import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultSpec, toRootless } from "../../spec/default.ts";
import type { Call } from "../table.ts";

export default function spec({ flags }: Call<"spec">): void {
  const file = join(flags.bundle, "config.json");
  if (existsSync(file)) throw new Error(`${file} already exists`);
  const spec = flags.rootless ? toRootless(defaultSpec(), process.geteuid!(), process.getegid!()) : defaultSpec();
  writeFileSync(file, JSON.stringify(spec, null, "\t") + "\n");
}
