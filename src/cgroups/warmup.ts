// The first cgroup migration after a quiet moment waits for an RCU grace
// period (the kernel's cgroup_threadgroup_rwsem: 5–16 ms on a 2-vCPU host);
// migrations in the next grace period or so do not wait. liblxc's monitor
// pays that wait when it moves itself into lxc.monitor.<id>, in the middle of
// create. Moving ourselves into the cgroup we are already in, on Bun's thread
// pool at the start of create, starts that grace period early, so it passes
// while create validates and translates the spec. The move changes nothing;
// if it fails, nothing is lost but the head start.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cgroupDirsOf, cgroupMounts } from "./paths.ts";

export function warmCgroupMigration(): void {
  const [dir] = cgroupDirsOf(process.pid, cgroupMounts(), true);
  if (dir) writeFile(join(dir, "cgroup.procs"), String(process.pid)).catch(() => {});
}
