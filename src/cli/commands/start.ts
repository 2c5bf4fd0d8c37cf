import { start as startContainer } from "../../container/start.ts";
import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.start's operation, without loading the Runtime (src/cli/globals.ts). Imported statically:
// the call's bundle (src/cli/hot/start.ts) then holds its modules at its top level, not each behind
// the lazy-init wrapper an import() gives a bundled module (docs/performance.md, "Issue 23, round 7:
// the hot calls' shell"); cli.ts imports this file only to run start.
export default async function start({ id }: Call<"start">): Promise<void> {
  await startContainer(await context(), id);
}
