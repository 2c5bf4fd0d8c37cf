// kill: signal the container's init (created, running or paused); anything
// else is an error that changes nothing (runtime.md: kill). With `all`, every
// process in the container's cgroups (runc kill --all: callers use it when
// the container shares the host's pid namespace). As with runc, `--all` on a
// container with no process left succeeds: containerd's shim sends it after
// a container of a pod (sharing the pod's pid namespace) has exited. The
// cgroup driver is imported for --all alone: a plain kill needs only init's pidfd.
import type { Context } from "../context.ts";
import { cgroupless } from "../cgroups/record.ts";
import { cgroupsProven } from "../contract/status-rules.ts";
import { signalRecorded } from "../host/pidfds.ts";
import { parseSignal } from "../host/signals.ts";
import { checkId } from "./ids.ts";
import { allow, load, refusal } from "./load.ts";

export async function kill(ctx: Context, id: string, signal?: string | number, opts: { all?: boolean } = {}): Promise<void> {
  checkId(id); // the arguments are checked before the container is read: a bad id, then a bad signal
  const sig = parseSignal(signal);
  const c = load(ctx, id);
  const { record } = c;
  if (opts.all && cgroupless(record.cgroups)) {
    // rootless without cgroups (runc's too): init alone can be named; with a pid namespace of
    // its own, its end ends every process in it
    if (!signalRecorded(record.initPid, record.initStart, sig)) ctx.log.debug(`kill --all ${id}: no process left`);
    return;
  }
  if (opts.all) {
    // each pid through a pidfd, checked to be in the container's cgroups still (never a recycled pid)
    // only cgroups proven the container's, each still the directory liblxc made
    const { driverOf } = await import("../cgroups/driver.ts");
    if (!(cgroupsProven(record) && driverOf(record).own().signal(sig))) ctx.log.debug(`kill --all ${id}: no process left`);
    return;
  }
  allow(c, "kill");
  // through a pidfd of the recorded init (pid and start time): a pid recycled since is never
  // signalled; init gone since the status was read: it is stopped now
  if (!signalRecorded(record.initPid, record.initStart, sig)) throw refusal(id, "kill", "stopped");
}
