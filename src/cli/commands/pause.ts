import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function pause({ id }: Call<"pause">): Promise<void> {
  await (await runtime()).pause(id);
}
