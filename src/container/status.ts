// A container's OCI status, derived from its record and /proc only: no liblxc
// call. The rules are contract/status-rules.ts's; this file asks the host through host/fs.ts.
import { isFrozenWith } from "../cgroups/freezer.ts";
import { tryReadText } from "../host/fs.ts";
import { isAlive, procCmdline } from "../host/proc.ts";
import type { State, Status } from "../spec/types.ts";
import type { ContainerRecord } from "../contract/record.ts";
import { type Probe, stateFrom, statusFrom } from "../contract/status-rules.ts";

// The freezer read as cgroupfs.ts isFrozen reads it, without loading the cgroup driver's files
// (cgroupfs.ts, paths.ts): start, state and kill ask for a status and nothing else of cgroups.
const host: Probe = { alive: isAlive, frozen: (r) => isFrozenWith(r.cgroups?.dirs ?? [], tryReadText), cmdline: procCmdline };

export function statusOf(r: ContainerRecord): Status {
  return statusFrom(r, host);
}

export function stateOf(r: ContainerRecord, status = statusOf(r)): State {
  return stateFrom(r, status);
}
