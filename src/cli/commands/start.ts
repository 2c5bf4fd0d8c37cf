import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function start({ id }: Call<"start">): Promise<void> {
  await (await runtime()).start(id);
}
