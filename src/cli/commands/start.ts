import { context } from "../globals.ts";
import type { Call } from "../table.ts";

// Runtime.start's operation, without loading the Runtime (src/cli/globals.ts)
export default async function start({ id }: Call<"start">): Promise<void> {
  const [{ start }, ctx] = await Promise.all([import("../../container/start.ts"), context()]);
  await start(ctx, id);
}
