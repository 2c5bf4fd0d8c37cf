import { globals } from "../globals.ts";
import { printState } from "../state-json.ts";
import type { Call } from "../table.ts";

export default async function state({ id }: Call<"state">): Promise<void> {
  await printState(globals.root, id);
}
