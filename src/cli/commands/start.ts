import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.start's operation, without loading the Runtime (src/cli/globals.ts)
export default async function start({ id }: Call<"start">): Promise<void> {
  // both at once, without Promise.all (a builtin that costs a call its first use)
  const operation = import("../../container/start.ts");
  const ctx = await context();
  const { startOnly } = await operation;
  await startOnly(ctx, id);
}
