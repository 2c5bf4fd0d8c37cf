// run: create and start; then, as runc: wait for the container, exit with its
// status and delete it (--keep: leave it, stopped); or with --detach return
// once it runs, leaving it to the caller (its init re-parented to the
// caller's subreaper, as after create). In the foreground with
// process.terminal and no --console-socket, run takes the pty master itself
// and joins it to its own stdio, as runc does (and as exec -t does).
// node:fs for what host/fs.ts has not: a temporary directory and its removal (`run -t` alone)
import { mkdtempSync, rmSync } from "node:fs";
import { readText } from "../../host/fs.ts";
import { join, resolve } from "node:path";
import type { CreateOptions } from "../../container/create/index.ts";
import { LxcriError } from "../../errors.ts";
import { runtime } from "../globals.ts";
import { preserveFds } from "../parse.ts";
import type { Call } from "../table.ts";

type Rt = Awaited<ReturnType<typeof runtime>>;

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
  const ownPty = !opts.consoleSocket && wantsTerminal(flags.bundle);
  if (flags.keep || ownPty) {
    process.exitCode = await foreground(rt, id, opts, flags.keep, ownPty);
    return;
  }
  process.exitCode = await rt.run(id, { ...opts, forwardSignals: true });
}

/** Whether the bundle's config asks for a terminal; create reads and checks the file itself. */
function wantsTerminal(bundle: string): boolean {
  try {
    return JSON.parse(readText(join(bundle, "config.json")))?.process?.terminal === true;
  } catch {
    return false;
  }
}

/**
 * Runtime.run, with the two things it does not do: leave the container for
 * `delete` (--keep), and take the pty master over a console socket of its own
 * to proxy (a listening socket queues create's connection until it is accepted).
 */
async function foreground(rt: Rt, id: string, opts: CreateOptions, keep: boolean, ownPty: boolean): Promise<number> {
  const { asSubreaper } = await import("../../library/subreaper.ts");
  const { reap } = await import("../../library/reap.ts");
  const { FORWARDED_SIGNALS } = await import("../../host/signals.ts");
  let server: number | undefined;
  let dir: string | undefined;
  let master: number | undefined;
  const { acceptUnix, listenUnix, receiveFd } = await import("../../../ffi/fd-passing.ts");
  const { closeFd } = await import("../../../ffi/fds.ts");
  if (ownPty) {
    dir = mkdtempSync("/tmp/lxcri-run-pty-");
    server = listenUnix(join(dir, "console.sock"));
    opts = { ...opts, consoleSocket: join(dir, "console.sock") };
  }
  let pid: number | undefined;
  try {
    ({ pid } = await asSubreaper(() => rt.create(id, opts)));
    if (server !== undefined) {
      const conn = acceptUnix(server);
      try {
        master = receiveFd(conn).fd;
      } finally {
        closeFd(conn);
      }
      // sized like our terminal before the process starts (SIGWINCH keeps it so)
      const { setWindowSize, windowSize } = await import("../../../ffi/pty.ts");
      const ws = windowSize(0);
      if (ws) setWindowSize(master, ws.rows, ws.cols);
    }
  } catch (e) {
    if (pid !== undefined) await rt.delete(id, { force: true }).catch(() => {});
    throw e;
  } finally {
    closeFd(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  const forward = (sig: NodeJS.Signals) => rt.kill(id, sig).catch(() => {});
  for (const s of FORWARDED_SIGNALS) process.on(s, forward);
  let stop: (() => Promise<void>) | undefined;
  try {
    try {
      await rt.start(id);
    } catch (e) {
      await rt.delete(id, { force: true }).catch(() => {});
      throw e;
    }
    if (master !== undefined) stop = (await import("../terminal.ts")).proxyTerminal(master);
    const code = await reap(pid!);
    await stop?.();
    return code;
  } finally {
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    closeFd(master);
    if (!keep) await rt.delete(id, { force: true });
  }
}
