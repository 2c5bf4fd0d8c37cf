// The first cgroup migration after a quiet moment waits for an RCU grace
// period (the kernel's cgroup_threadgroup_rwsem: 5–16 ms on a 2-vCPU host);
// migrations in the next grace period or so do not wait. liblxc's monitor
// pays that wait when it moves itself into lxc.monitor.<id>, in the middle of
// create. Moving ourselves into the cgroup we are already in, on Bun's thread
// pool at the start of create, starts that grace period early, so it passes
// while create validates and translates the spec. The move changes nothing;
// if it fails, nothing is lost but the head start.
import { writeFile } from "node:fs/promises";
import { cgroupMounts } from "./cgroups.ts";
import { procCgroups } from "./proc.ts";

export function warmCgroupMigration(): void {
  const mounts = cgroupMounts();
  for (const [key, path] of procCgroups(process.pid)) {
    const k = key.startsWith("0:") ? "0:" : key.split(",").sort().join(",");
    const m = mounts.find((x) => x.key === k && path.startsWith(x.root));
    if (!m) continue;
    const rel = path.slice(m.root === "/" ? 0 : m.root.length);
    writeFile(`${m.mountpoint}${rel === "/" ? "" : rel}/cgroup.procs`, String(process.pid)).catch(() => {});
    return;
  }
}
