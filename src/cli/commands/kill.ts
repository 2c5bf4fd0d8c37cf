import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function kill({ id, args, flags }: Call<"kill">): Promise<void> {
  await (await runtime()).kill(id, args[0], { all: flags.all });
}
