// run: create and start; then, as runc: wait for the container, exit with its
// status and delete it (--keep: leave it, stopped); or with --detach return
// once it runs, leaving it to the caller (its init re-parented to the
// caller's subreaper, as after create).
import { resolve } from "node:path";
import type { CreateOptions } from "../../container/create/index.ts";
import { LxcriError } from "../../errors.ts";
import { runtime } from "../globals.ts";
import { preserveFds } from "../parse.ts";
import type { Call } from "../table.ts";

export default async function run({ id, flags }: Call<"run">): Promise<void> {
  const opts: CreateOptions = {
    bundle: flags.bundle,
    pidFile: flags["pid-file"],
    consoleSocket: flags["console-socket"] ? resolve(flags["console-socket"]) : undefined,
    pidfdSocket: flags["pidfd-socket"] ? resolve(flags["pidfd-socket"]) : undefined,
    preserveFds: preserveFds(flags["preserve-fds"]),
    noNewKeyring: flags["no-new-keyring"] || undefined,
  };
  if (flags["no-subreaper"] && !flags.detach)
    throw new LxcriError(
      "invalid-argument",
      "--no-subreaper: not supported without --detach: lxcri run waits for init as its subreaper (liblxc's monitor, init's parent, ends after create)",
    );
  const rt = await runtime();
  if (flags.detach) {
    await rt.create(id, opts);
    try {
      await rt.start(id);
    } catch (e) {
      await rt.delete(id, { force: true }).catch(() => {});
      throw e;
    }
    return;
  }
  if (flags.keep) {
    process.exitCode = await runKept(rt, id, opts);
    return;
  }
  process.exitCode = await rt.run(id, { ...opts, forwardSignals: true });
}

/** Runtime.run without its delete: the container stays, stopped, for `delete`. */
async function runKept(rt: Awaited<ReturnType<typeof runtime>>, id: string, opts: CreateOptions): Promise<number> {
  const { setSubreaper, reapChild } = await import("../../../ffi/libc.ts");
  const { FORWARDED_SIGNALS } = await import("../../host/signals.ts");
  const was = setSubreaper(true);
  let pid: number | undefined;
  try {
    ({ pid } = await rt.create(id, opts));
  } finally {
    if (!was) setSubreaper(false);
  }
  const forward = (sig: NodeJS.Signals) => rt.kill(id, sig).catch(() => {});
  for (const s of FORWARDED_SIGNALS) process.on(s, forward);
  try {
    await rt.start(id);
    let code: number | null;
    for (let polls = 0; (code = reapChild(pid!)) === null; polls++) await Bun.sleep(polls < 100 ? 1 : 5);
    return code;
  } catch (e) {
    await rt.delete(id, { force: true }).catch(() => {});
    throw e;
  } finally {
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
  }
}
