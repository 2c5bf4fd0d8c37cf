// A container's OCI status, derived from its record and /proc only: no liblxc
// call, so `state` stays cheap. The launcher still being init means `created`.
import type { State, Status } from "../spec/types.ts";
import { isAlive, procCmdline } from "../host/proc.ts";
import type { ContainerRecord } from "./record.ts";
import { INIT_ARGV } from "../contract/init-argv.ts";
import { isFrozen } from "../cgroups/container.ts";

export function isLauncher(pid: number): boolean {
  const cmd = procCmdline(pid);
  return !!cmd && cmd.length === INIT_ARGV.length && cmd.every((a, i) => a === INIT_ARGV[i]);
}

export function statusOf(r: ContainerRecord): Status {
  if (r.initPid === undefined) return isAlive(r.monitorPid, r.monitorStart) ? "creating" : "stopped";
  if (!isAlive(r.initPid, r.initStart)) return "stopped";
  if (isLauncher(r.initPid)) return "created";
  return isFrozen(r) ? "paused" : "running";
}

export function stateOf(r: ContainerRecord, status = statusOf(r)): State {
  const alive = status === "created" || status === "running" || status === "paused";
  return {
    ociVersion: r.ociVersion,
    id: r.id,
    status,
    pid: alive ? r.initPid! : 0,
    bundle: r.bundle,
    annotations: r.annotations,
  };
}
