// The cgroup directories liblxc made for a container, as the record names them
// exactly: their processes and their removal. Nothing here looks a cgroup up by
// name. liblxc's monitor removes the payload cgroup when it exits, but a monitor
// that exits inside its own lxc.monitor.<id> cgroup leaves that behind.
import { type DirEntry, errnoName, exists, inodeOf, lstat, readDir, readText, tryReadText, tryRemoveDir } from "../host/fs.ts";
import { ENOENT } from "../../ffi/syscalls.ts";
import { signalEach } from "../host/pidfds.ts";
import { procCgroups } from "../host/proc.ts";
import { join } from "../path.ts";

export { isLxcCgroupName } from "./record.ts";

interface CgroupMount {
  key: string; // "0:" for cgroup2, else the sorted controller list ("cpu,cpuacct", "name=systemd")
  mountpoint: string;
  root: string;
}

const CONTROLLER_OPTS = /^(name=.*|cpu|cpuacct|cpuset|memory|devices|freezer|net_cls|net_prio|blkio|perf_event|hugetlb|pids|rdma|misc)$/;

let mounts: CgroupMount[] | undefined;

/**
 * The host's cgroup mounts, from /proc/self/mountinfo, read once per process as the layout in
 * host.ts is: a create read the whole mount table four times (~0.2 ms each, docs/performance.md,
 * "Issue 23, round 6").
 */
export function cgroupMounts(): CgroupMount[] {
  mounts ??= readCgroupMounts();
  return mounts;
}

function readCgroupMounts(): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of readText("/proc/self/mountinfo").split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const f = left.split(" ");
    const [fstype, , superOpts] = right.split(" ");
    if (fstype === "cgroup2") out.push({ key: "0:", mountpoint: f[4]!, root: f[3]! });
    else if (fstype === "cgroup") {
      const controllers = superOpts!
        .split(",")
        .filter((o) => CONTROLLER_OPTS.test(o))
        .sort()
        .join(",");
      out.push({ key: controllers, mountpoint: f[4]!, root: f[3]! });
    }
  }
  return out;
}

/** Absolute cgroup directories of `pid`, one per mounted hierarchy; a hierarchy's root only with `withRoots`. */
export function cgroupDirsOf(pid: number, mounts = cgroupMounts(), withRoots = false): string[] {
  const dirs: string[] = [];
  for (const [key, path] of procCgroups(pid)) {
    const k = key.startsWith("0:") ? "0:" : key.split(",").sort().join(",");
    for (const m of mounts.filter((m) => m.key === k)) {
      if (!path.startsWith(m.root)) continue;
      const rel = path.slice(m.root === "/" ? 0 : m.root.length);
      if ((rel === "/" || rel === "") && !withRoots) continue; // never the hierarchy root, unless asked
      dirs.push(join(m.mountpoint, rel));
    }
  }
  return [...new Set(dirs)];
}

/** Host pids in the cgroup.procs of each of `dirs` (a directory already gone counts as empty). */
export function cgroupProcs(dirs: string[]): number[] {
  const pids: number[] = [];
  for (const d of dirs) for (const p of tryReadText(join(d, "cgroup.procs"))?.split("\n") ?? []) if (p) pids.push(Number(p)); // undefined: gone
  return pids;
}

/** The inode of each of `dirs` that exists (a cgroup directory's identity: one made again at the same path has another). */
export function cgroupInodes(dirs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of dirs)
    try {
      out[d] = lstat(d).inode;
    } catch {
      /* a hierarchy liblxc left alone */
    }
  return out;
}

/**
 * Of `dirs`, those that are still the directories whose inodes create recorded: a cgroup that
 * went away with the container (systemd removes a stopped scope's) and was made again at the
 * same path by someone else is not the container's. All of `dirs` when no inodes were recorded.
 */
export function sameCgroups(dirs: string[], inodes: Record<string, string> | undefined): string[] {
  if (!inodes) return dirs;
  // gone: not the container's (inodeOf: a miss makes no Error, and most recorded monitor cgroups are gone);
  // a loop, not filter: delete comes here, and each array builtin costs a call its first use
  const same: string[] = [];
  for (const d of dirs) if (inodes[d] !== undefined && inodeOf(d) === inodes[d]) same.push(d);
  return same;
}

/**
 * Signals every process listed in the cgroup.procs of `dirs` (but `skip`) through a pidfd,
 * each checked to be in one of `dirs` (or below) once its pidfd is open: a pid that was
 * recycled after the read is never signalled. The number signalled.
 */
export function signalCgroupMembers(dirs: string[], signal: number, skip: readonly number[] = []): number {
  const pids = cgroupProcs(dirs).filter((p) => !skip.includes(p));
  if (!pids.length) return 0;
  const mounts = cgroupMounts();
  const inside = (pid: number) => cgroupDirsOf(pid, mounts).some((d) => dirs.some((top) => d === top || d.startsWith(`${top}/`)));
  return signalEach(pids, signal, inside);
}

/** Removes cgroup directories, children first; retries while the last processes leave, up to `timeoutMs` in all. */
export async function removeCgroups(dirs: string[], withChildren = true, timeoutMs = 2000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = dirs;
  for (;;) {
    const failed = removeCgroupsNow(pending, withChildren);
    if (!failed.length) return []; // delete's usual case, without map's first use
    if (Date.now() > deadline) return failed.map((f) => `${f.dir}: ${f.code}`);
    pending = failed.map((f) => f.dir);
    await Bun.sleep(20);
  }
}

/**
 * One attempt at removing each of `dirs` (one already gone counts as removed): the ones that
 * stay, with the errno's name. Their children too when `withChildren` (cgroups proven the
 * container's); else a plain rmdir, which the kernel refuses for a cgroup in use.
 */
export function removeCgroupsNow(dirs: string[], withChildren = true): { dir: string; code: string }[] {
  const failed: { dir: string; code: string }[] = [];
  for (const dir of dirs) {
    const e = withChildren ? removeTree(dir) : tryRemoveDir(dir);
    if (e !== 0 && e !== ENOENT) failed.push({ dir, code: errnoName(e) });
  }
  return failed;
}

/**
 * rmdir(2) first: a container's cgroup rarely has children, and the kernel
 * refuses (EBUSY) one that has them or processes; only then are its
 * children looked for and removed, and the rmdir tried again. 0 or the
 * errno, without making an Error (most calls meet an ENOENT or two).
 */
function removeTree(dir: string): number {
  const first = tryRemoveDir(dir);
  if (first === 0 || first === ENOENT) return first;
  let entries: DirEntry[];
  try {
    entries = readDir(dir, "dir");
  } catch {
    return first;
  }
  for (const e of entries) removeTree(`${dir}/${e.name}`);
  return tryRemoveDir(dir);
}

/** The ancestors of `rel` (a path below each hierarchy's root) that do not exist yet: liblxc will create them. */
export function missingAncestors(rel: string, mounts = cgroupMounts()): string[] {
  const parts = rel.split("/").filter(Boolean);
  const out: string[] = [];
  for (const m of new Set(mounts.map((m) => m.mountpoint)))
    for (let i = 1; i < parts.length; i++) {
      const dir = join(m, ...parts.slice(0, i));
      if (!exists(dir)) out.push(dir);
    }
  return out;
}

/** Removes directories that are empty, deepest first; anything in use or not empty stays. */
export function removeIfEmpty(dirs: string[]): void {
  if (!dirs.length) return; // delete's usual case, without sort's first use
  for (const d of [...dirs].sort((a, b) => b.split("/").length - a.split("/").length)) tryRemoveDir(d); // fails while in use by another container, or gone
}
