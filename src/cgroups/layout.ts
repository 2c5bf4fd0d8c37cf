// The host's cgroup layout as translation and the cgroup code see it: types
// only, shared by src/cgroups/ (which reads the host) and src/lxc/ (which
// names the container's cgroups for liblxc).

/** "v2" on a pure cgroup2 host; "v1" for legacy and hybrid hosts. */
export type CgroupLayout = "v1" | "v2";

/** A cgroup hierarchy of the host, as mounted under /sys/fs/cgroup. */
export interface CgroupHierarchy {
  /** Directory name under /sys/fs/cgroup ("memory", "cpu,cpuacct", "systemd", "unified"). */
  name: string;
  fstype: "cgroup" | "cgroup2";
  /** Controller options for mount(2): "memory", "cpu,cpuacct", "none,name=systemd". */
  options: string;
  /** The host directory liblxc makes the container's cgroup in (the mount point, or pid 1's cgroup below it). */
  base: string;
}
