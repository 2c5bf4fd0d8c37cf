import { resolve } from "../../path.ts";
import { runtime } from "../globals.ts";
import { preserveFds } from "../parser.ts";
import type { Call } from "../table.ts";

export default async function create({ id, flags }: Call<"create">): Promise<void> {
  const preserve = preserveFds(flags["preserve-fds"]);
  await (await runtime()).create(id, {
    bundle: flags.bundle,
    pidFile: flags["pid-file"],
    consoleSocket: flags["console-socket"] ? resolve(flags["console-socket"]) : undefined,
    pidfdSocket: flags["pidfd-socket"] ? resolve(flags["pidfd-socket"]) : undefined,
    preserveFds: preserve,
    noNewKeyring: flags["no-new-keyring"] || undefined,
  });
}
