import { resolve } from "../../path.ts";
import { context } from "../globals.ts";
import { preserveFds } from "../parser.ts";
import type { Call } from "../table.ts";

// Runtime.create's operation, without loading the Runtime (runtime.ts and src/library/: src/cli/globals.ts)
export default async function create({ id, flags }: Call<"create">): Promise<void> {
  const preserve = preserveFds(flags["preserve-fds"]);
  // both at once, without Promise.all (a builtin that costs a call its first use)
  const operation = import("../../container/create/index.ts");
  const ctx = await context();
  const { create } = await operation;
  await create(ctx, id, {
    bundle: flags.bundle,
    pidFile: flags["pid-file"],
    consoleSocket: flags["console-socket"] ? resolve(flags["console-socket"]) : undefined,
    pidfdSocket: flags["pidfd-socket"] ? resolve(flags["pidfd-socket"]) : undefined,
    preserveFds: preserve,
    noNewKeyring: flags["no-new-keyring"] || undefined,
  });
}
