import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function remove({ id, flags }: Call<"delete">): Promise<void> {
  await (await runtime()).delete(id, { force: flags.force });
}
