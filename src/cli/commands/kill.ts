import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.kill's operation, without loading the Runtime (src/cli/globals.ts)
export default async function kill({ id, args, flags }: Call<"kill">): Promise<void> {
  const [{ kill }, ctx] = await Promise.all([import("../../container/kill.ts"), context()]);
  await kill(ctx, id, args[0], { all: flags.all });
}
