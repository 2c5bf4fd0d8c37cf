// Rootless --systemd-cgroup where the user has a systemd of their own (a user session, or
// lingering): the container's scope under the user's manager, as runc's systemd driver makes
// it in rootless mode (podman's rootless default). The scope is started first, with the
// monitor (spawned, still at its gate) as its one process; liblxc then makes the monitor's and
// the container's cgroups below it (lxc.cgroup.relative = 1: below the monitor's own cgroup),
// as crun puts the container in a subgroup of its scope. systemd writes the scope's limits
// (its properties), liblxc the container's own cgroup's. Stopped at delete through the same
// bus (record.systemdBus). Imported only by a rootless create with --systemd-cgroup.
import { exists } from "../host/fs.ts";
import { join } from "node:path";
import { cgroupLayout } from "./host.ts";
import { LxcriError } from "../errors.ts";
import { procCgroups } from "../host/proc.ts";
import { systemdCgroupPath, systemdScope } from "./scope.ts";
import type { Target } from "../systemd/bus.ts";
import { managerCgroup, systemdRuns } from "../systemd/units.ts";
import { userBus } from "../systemd/user-bus.ts";

export interface UserScope {
  unit: string;
  slice: string;
  target: Target;
  /** The scope's cgroup, as systemd will make it (below the user manager's own). */
  dir: string;
}

/**
 * The scope to start under the user's systemd for `cgroupsPath` ("slice:prefix:name"), or
 * undefined where there is none to ask: no systemd, cgroup v1, no session bus in the
 * environment, or a ".slice" name (a cgroup path only, no unit). Without a session bus but
 * with a delegated cgroup of the caller's, the scope is then asked of PID 1's systemd, which
 * refuses an ordinary user, and create fails saying so (runc fails there too: no session bus).
 */
export async function userScope(cgroupsPath: string | undefined, id: string): Promise<UserScope | undefined> {
  if (!cgroupsPath || !systemdRuns() || cgroupLayout() !== "v2") return undefined;
  const scope = systemdScope(cgroupsPath, id);
  const target = userBus(process.env, exists);
  if (!scope || !target) return undefined;
  const manager = await managerCgroup(target).catch((e: Error) => {
    throw new LxcriError(
      "runtime",
      `--systemd-cgroup: cannot ask the user's systemd at ${target.path} for its cgroup: ${e.message} (does the user have a systemd of their own, user@UID.service, with its bus?)`,
    );
  });
  return { ...scope, target, dir: join("/sys/fs/cgroup", manager, systemdCgroupPath(cgroupsPath, id)) };
}

/** After startScope: `pid` must be in the scope's cgroup, where liblxc takes its base from. */
export function checkInScope(pid: number, scope: UserScope): void {
  const rel = [...procCgroups(pid)].find(([key]) => key.startsWith("0:"))?.[1];
  const dir = rel === undefined ? undefined : join("/sys/fs/cgroup", rel);
  if (dir !== scope.dir) throw new Error(`systemd put the monitor in ${dir ?? "no cgroup v2 cgroup"}, not in ${scope.unit}'s ${scope.dir}`);
}
