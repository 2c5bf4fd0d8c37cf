// kill: signal the container's init (created, running or paused); anything
// else is an error that changes nothing (runtime.md: kill). With `all`, every
// process in the container's cgroups (runc kill --all: callers use it when
// the container shares the host's pid namespace). As with runc, `--all` on a
// container with no process left succeeds: containerd's shim sends it after
// a container of a pod (sharing the pod's pid namespace) has exited.
import { type Context, containerDir } from "../context.ts";
import { containerPids } from "../cgroups/container.ts";
import { LxcriError } from "../errors.ts";
import { checkId } from "./ids.ts";
import { readRecord } from "./record.ts";
import { parseSignal } from "../host/signals.ts";
import { statusOf } from "./status.ts";

export async function kill(ctx: Context, id: string, signal?: string | number, opts: { all?: boolean } = {}): Promise<void> {
  checkId(id);
  const sig = parseSignal(signal);
  const record = readRecord(containerDir(ctx, id), id);
  if (opts.all) {
    const pids = containerPids(record);
    if (!pids.length) ctx.log.debug(`kill --all ${id}: no process left`);
    for (const pid of pids)
      try {
        process.kill(pid, sig);
      } catch {
        /* exited meanwhile */
      }
    return;
  }
  const status = statusOf(record);
  if (status !== "created" && status !== "running" && status !== "paused")
    throw new LxcriError("bad-state", `cannot kill container ${id}: container not running (it is ${status})`);
  try {
    process.kill(record.initPid!, sig);
  } catch (e) {
    throw new LxcriError("bad-state", `cannot kill container ${id}: no such process (${(e as Error).message})`);
  }
}
