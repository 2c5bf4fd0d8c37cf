// A container's OCI status, derived from its record and /proc only: no liblxc
// call. The rules are contract/status-rules.ts's; this file asks the host through host/fs.ts.
import { isFrozen } from "../cgroups/cgroupfs.ts";
import { isAlive, procCmdline } from "../host/proc.ts";
import type { State, Status } from "../spec/types.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { type Probe, stateFrom, statusFrom } from "../contract/status-rules.ts";

const host: Probe = { alive: isAlive, frozen: (r) => isFrozen(r.cgroups?.dirs ?? []), cmdline: procCmdline };

export function statusOf(r: ContainerRecord): Status {
  return statusFrom(r, host);
}

export function stateOf(r: ContainerRecord, status = statusOf(r)): State {
  return stateFrom(r, status);
}
