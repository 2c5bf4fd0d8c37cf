// A container's OCI status, derived from its record and /proc only: no liblxc
// call, so `state` stays cheap. Our init still being init means `created`.
import { isFrozen } from "../cgroups/container.ts";
import { isInitArgv } from "../contract/layout.ts";
import { isAlive, procCmdline } from "../host/proc.ts";
import type { State, Status } from "../spec/types.ts";
import type { ContainerRecord } from "./record.ts";

export function isInit(pid: number): boolean {
  return isInitArgv(procCmdline(pid));
}

export function statusOf(r: ContainerRecord): Status {
  if (r.initPid === undefined) return isAlive(r.monitorPid, r.monitorStart) ? "creating" : "stopped";
  if (!isAlive(r.initPid, r.initStart)) return "stopped";
  if (isInit(r.initPid)) return "created";
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
