import { kill as killContainer } from "../../container/kill.ts";
import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.kill's operation, without loading the Runtime (src/cli/globals.ts). Imported statically:
// the call's bundle (src/cli/hot/kill.ts) then holds its modules at its top level, not each behind
// the lazy-init wrapper an import() gives a bundled module (docs/performance.md, "Issue 23, round 7:
// the hot calls' shell"); cli.ts imports this file only to run kill.
export default async function kill({ id, args, flags }: Call<"kill">): Promise<void> {
  await killContainer(await context(), id, args[0], { all: flags.all });
}
