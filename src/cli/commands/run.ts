import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function run({ id, flags }: Call<"run">): Promise<void> {
  process.exitCode = await (await runtime()).run(id, { bundle: flags.bundle, pidFile: flags["pid-file"], forwardSignals: true });
}
