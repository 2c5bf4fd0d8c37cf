// Where a process exec starts joins the container's cgroups (the driver's
// joinDirs): init's own where it is inside the container's (an init that
// manages its cgroup tree, such as systemd, has moved itself below the
// container's top cgroup, which on cgroup v2 then takes no processes), else
// the container's recorded ones; --cgroup's sub-cgroups where asked.
import { cgroupDirsOf, cgroupMounts } from "./paths.ts";
import { type CgroupDir, type SubCgroups, subCgroupDirs } from "./sub-cgroups.ts";

export function joinDirs(own: readonly string[], init: number, subs: SubCgroups | undefined): string[] {
  const current = cgroupDirsOf(init);
  const asked = subs ? subCgroupDirs(own.map(withControllers(cgroupMounts())), subs) : [];
  return own.map((top, i) => asked[i] ?? current.find((d) => d === top || d.startsWith(`${top}/`)) ?? top);
}

/** A cgroup directory with the controllers of the hierarchy it is in (none on cgroup v2). */
const withControllers =
  (mounts: ReturnType<typeof cgroupMounts>) =>
  (dir: string): CgroupDir => {
    const m = mounts
      .filter((m) => dir === m.mountpoint || dir.startsWith(`${m.mountpoint}/`))
      .sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
    return { dir, controllers: !m || m.key === "0:" ? [] : m.key.split(",") };
  };
