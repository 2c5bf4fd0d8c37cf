import { globals } from "../globals.ts";
import { printState } from "../state-json.ts";
import type { Call } from "../table.ts";

export default function state({ id }: Call<"state">): void {
  printState(globals.root, id);
}
