// kill: signal the container's init (created, running or paused); anything
// else is an error that changes nothing (runtime.md: kill). With `all`, every
// process in the container's cgroups (runc kill --all: callers use it when
// the container shares the host's pid namespace). As with runc, `--all` on a
// container with no process left succeeds: containerd's shim sends it after
// a container of a pod (sharing the pod's pid namespace) has exited. The
// cgroup code is imported for --all alone: a plain kill needs only init's pidfd.
import { type Context, containerDir } from "../context.ts";
import { LxcriError } from "../errors.ts";
import { signalRecorded } from "../host/pidfds.ts";
import { checkId } from "./ids.ts";
import { readRecord } from "./record.ts";
import { cgroupsProven } from "./rules.ts";
import { parseSignal } from "../host/signals.ts";
import { statusOf } from "./status.ts";

export async function kill(ctx: Context, id: string, signal?: string | number, opts: { all?: boolean } = {}): Promise<void> {
  checkId(id);
  const sig = parseSignal(signal);
  const record = readRecord(containerDir(ctx, id), id);
  if (opts.all && record.cgroups?.length === 0) {
    // rootless without cgroups (runc's too): init alone can be named; with a pid namespace of
    // its own, its end ends every process in it
    if (!signalRecorded(record.initPid, record.initStart, sig)) ctx.log.debug(`kill --all ${id}: no process left`);
    return;
  }
  if (opts.all) {
    // each pid through a pidfd, checked to be in the container's cgroups still (never a recycled pid)
    // only cgroups proven the container's, each still the directory liblxc made
    const [{ payloadCgroups }, { sameCgroups, signalCgroupMembers }] = await Promise.all([
      import("../cgroups/container.ts"),
      import("../cgroups/paths.ts"),
    ]);
    const dirs = cgroupsProven(record) ? sameCgroups(payloadCgroups(record), record.cgroupInodes) : [];
    if (!signalCgroupMembers(dirs, sig)) ctx.log.debug(`kill --all ${id}: no process left`);
    return;
  }
  const status = statusOf(record);
  if (status !== "created" && status !== "running" && status !== "paused")
    throw new LxcriError("bad-state", `cannot kill container ${id}: container not running (it is ${status})`);
  // through a pidfd of the recorded init (pid and start time): a pid recycled since is never signalled
  if (!signalRecorded(record.initPid, record.initStart, sig))
    throw new LxcriError("bad-state", `cannot kill container ${id}: container not running (init ${record.initPid} has exited)`);
}
