import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.delete's operation, without loading the Runtime (src/cli/globals.ts)
export default async function remove({ id, flags }: Call<"delete">): Promise<void> {
  const [{ deleteContainer }, ctx] = await Promise.all([import("../../container/delete.ts"), context()]);
  await deleteContainer(ctx, id, { force: flags.force });
}
