// spec: runc's default config.json in the --bundle directory (--rootless: for
// a rootless container, src/spec/rootless.ts); an existing one is kept.
import { exists, stat, writeFile } from "../../host/fs.ts";
import { join } from "node:path";
import { LxcriError } from "../../errors.ts";
import { defaultSpec } from "../../spec/default.ts";
import { toRootless } from "../../spec/rootless.ts";
import type { Call } from "../table.ts";

export default function spec({ flags }: Call<"spec">): void {
  if (!exists(flags.bundle) || !stat(flags.bundle).isDirectory())
    throw new LxcriError("invalid-argument", `--bundle ${flags.bundle}: not a directory`);
  const file = join(flags.bundle, "config.json");
  if (exists(file)) throw new LxcriError("invalid-argument", `File ${file} exists. Remove it first`);
  const config = flags.rootless ? toRootless(defaultSpec(), process.geteuid!(), process.getegid!()) : defaultSpec();
  writeFile(file, `${JSON.stringify(config, null, "\t")}\n`);
}
