import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function resume({ id }: Call<"resume">): Promise<void> {
  await (await runtime()).resume(id);
}
