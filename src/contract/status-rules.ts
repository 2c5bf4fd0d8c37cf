// What a runtime directory and a record must be, and what status a record
// and the host's processes mean: the rules alone, without I/O, below every
// layer that needs them. container/store.ts and container/status.ts apply
// them with system calls (host/fs.ts).
// Imports nothing that runs.
import { upgradeCgroupFields } from "../cgroups/record.ts";
import { isInitArgv } from "./layout.ts";
import { LxcriError } from "../errors.ts";
import type { State, Status } from "../spec/types.ts";
import type { ContainerRecord } from "./record.ts";

/**
 * The runtime directory must be the caller's and private (0700) before anything in it is
 * trusted: root's (and group 0) for root; rootless, the caller's euid (runc's rule: a user's
 * own $XDG_RUNTIME_DIR/lxcri). Undefined when it is.
 */
export function runtimeDirError(
  dir: string,
  st: { isDirectory(): boolean; uid: number; gid: number; mode: number },
  euid: number = process.geteuid?.() ?? 0,
): LxcriError | undefined {
  if (st.isDirectory() && st.uid === euid && (euid !== 0 || st.gid === 0) && (st.mode & 0o777) === 0o700) return undefined;
  const whose = euid === 0 ? "root's" : `uid ${euid}'s`;
  return new LxcriError(
    "runtime",
    `${dir}: refusing to use a runtime directory that is not ${whose} and private (owner ${st.uid}:${st.gid}, mode ${(st.mode & 0o7777).toString(8)})`,
  );
}

/** record.json's text as a record of container `id`. */
export function parseRecord(text: string, id: string, file: string): ContainerRecord {
  try {
    const r = JSON.parse(text) as ContainerRecord;
    if (r.id !== id || typeof r.bundle !== "string") throw new Error("fields missing");
    upgradeCgroupFields(r); // a record the previous lxcri wrote
    return r;
  } catch (e) {
    throw new LxcriError("runtime", `${file}: corrupt container record: ${(e as Error).message}`);
  }
}

/** What the status depends on, asked of the host lazily and in this order. */
export interface Probe {
  /** True while `pid` is the process that started at `startTime` and has not exited. */
  alive(pid: number | undefined, startTime: number | undefined): boolean;
  /** The container's freezer says frozen (or freezing). */
  frozen(r: ContainerRecord): boolean;
  /** /proc/<pid>/cmdline as argv: asked only of a record an older lxcri wrote (isLegacy). */
  cmdline(pid: number): string[] | undefined;
}

/**
 * A record an lxcri before the `started` mark wrote (it has no channelInode): a container that was
 * running across the upgrade keeps the status that version gave it (from init's argv) until it is
 * deleted; start refuses it (its channel cannot be checked).
 */
export const isLegacy = (r: ContainerRecord): boolean => r.initPid !== undefined && r.channelInode === undefined;

/**
 * A container's OCI status, from what only the runtime writes: the record's pids with their
 * start times, and `started`, which start sets (under the lock) before it lets init go. Never
 * from anything the container can change (its pid 1's argv, comm or fds): a process that
 * re-execs pid 1 must not make a running container "created" again and start run twice.
 */
export function statusFrom(r: ContainerRecord, host: Probe): Status {
  if (r.initPid === undefined) return host.alive(r.monitorPid, r.monitorStart) ? "creating" : "stopped";
  if (!host.alive(r.initPid, r.initStart)) return "stopped";
  if (r.started === undefined && !(isLegacy(r) && !isInitArgv(host.cmdline(r.initPid)))) return "created";
  return host.frozen(r) ? "paused" : "running";
}

/**
 * Whether the record's cgroups are proven the container's: liblxc refuses to start in a
 * container or monitor cgroup that exists already, so once init is up (initPid recorded) every
 * recorded directory is one liblxc made for it. Before that, a recorded directory may be one
 * someone else made in the moment between create's check and liblxc's mkdir: cleanup then
 * kills no process found in it and removes it only if empty.
 */
export function cgroupsProven(r: ContainerRecord): boolean {
  return r.initPid !== undefined;
}

export function stateFrom(r: ContainerRecord, status: Status): State {
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
