// A rootless container without cgroups (src/cgroups/rootless-host.ts rootlessCgroups) has no
// cgroup.procs to list its processes: they are those of init's pid namespace, as the
// host's /proc shows them (runc's rootless containers without a cgroup are the same).
import { readDir, readLink } from "./fs.ts";
import { isAlive } from "./proc.ts";

const nsOf = (pid: number | string): string | undefined => {
  try {
    return readLink(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
};

/** Host pids in init's pid namespace, ascending; [init] when it shares ours; [] when init is gone. */
export function pidNamespacePids(initPid: number | undefined, initStart: number | undefined): number[] {
  if (!initPid || !isAlive(initPid, initStart)) return [];
  const ns = nsOf(initPid);
  if (!ns || ns === nsOf("self")) return [initPid];
  const pids = readDir("/proc")
    .map((e) => e.name)
    .filter((d) => /^\d+$/.test(d) && nsOf(d) === ns)
    .map(Number);
  return [...new Set([initPid, ...pids])].sort((a, b) => a - b);
}
