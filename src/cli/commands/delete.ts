import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.delete's operation, without loading the Runtime (src/cli/globals.ts)
export default async function remove({ id, flags }: Call<"delete">): Promise<void> {
  // both at once, without Promise.all (a builtin that costs a call its first use)
  const operation = import("../../container/delete.ts");
  const ctx = await context();
  const { deleteContainer } = await operation;
  await deleteContainer(ctx, id, { force: flags.force });
}
