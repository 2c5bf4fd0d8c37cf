import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.kill's operation, without loading the Runtime (src/cli/globals.ts)
export default async function kill({ id, args, flags }: Call<"kill">): Promise<void> {
  // both at once, without Promise.all (a builtin that costs a call its first use)
  const operation = import("../../container/kill.ts");
  const ctx = await context();
  const { kill } = await operation;
  await kill(ctx, id, args[0], { all: flags.all });
}
