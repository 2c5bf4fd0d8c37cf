import { deleteContainer } from "../../container/delete.ts";
import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.delete's operation, without loading the Runtime (src/cli/globals.ts). Imported statically:
// the call's bundle (src/cli/hot/delete.ts) then holds its modules at its top level, not each behind
// the lazy-init wrapper an import() gives a bundled module (docs/performance.md, "Issue 23, round 7:
// the hot calls' shell"); cli.ts imports this file only to run delete.
export default async function remove({ id, flags }: Call<"delete">): Promise<void> {
  await deleteContainer(await context(), id, { force: flags.force });
}
