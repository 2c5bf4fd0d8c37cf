// mounts → lxc.mount.entry, in config order
// (runtime-tools checks the order in mountinfo). Two mounts need more than
// one entry:
//   /dev (tmpfs)      → the tmpfs, then the default device nodes bound from the host
//                       (liblxc adds /dev/fd, stdin, stdout, stderr; the launcher /dev/ptmx)
//   /dev/pts (devpts) → twice: with lxc.pty.max = 0 liblxc unmounts whatever is on /dev/pts
//                       once (conf.c lxc_finish_devpts_child); the first mount stays, in order
//   /sys/fs/cgroup    → cgroup2 on a pure v2 host; on v1 and hybrid hosts liblxc's
//                       lxc.mount.auto cgroup (a tmpfs and every hierarchy; fresh v1 mounts
//                       fail with EPERM inside liblxc's setup). liblxc mounts it after all
//                       entries, so there its place in mountinfo is last.
import { isAbsolute, join, normalize } from "node:path";
import { configError } from "../errors.ts";
import type { Mount, Spec } from "../spec/types.ts";
import { type ConfigItem, fstabEscape } from "./items.ts";
import type { RecursiveAttr } from "../contract/plan.ts";
import { recursiveAttrs } from "./mount-attrs.ts";

/** "fifo" covers FIFOs and sockets: liblxc opens mount targets, and opening a FIFO blocks. */
export type PathKind = "dir" | "file" | "fifo" | "missing";

/** A cgroup hierarchy of the host, as mounted under /sys/fs/cgroup. */
export interface CgroupHierarchy {
  /** Directory name under /sys/fs/cgroup ("memory", "cpu,cpuacct", "systemd", "unified"). */
  name: string;
  fstype: "cgroup" | "cgroup2";
  /** Controller options for mount(2): "memory", "cpu,cpuacct", "none,name=systemd". */
  options: string;
}

export interface MountContext {
  bundle: string;
  rootfs: string;
  /** Empty on a pure cgroup v2 host. */
  cgroupHierarchies: CgroupHierarchy[];
  /** What a host path is; the only I/O translation needs, injected so tests stay pure. */
  stat: (hostPath: string) => PathKind;
  /** A container path with the rootfs's symlinks resolved inside the rootfs (host.ts resolveInRootfs). */
  resolve: (containerPath: string) => string;
}

export interface MountPlan {
  items: ConfigItem[];
  /** Mounts only the launcher needs (Bun cannot start without /proc); it detaches them before the exec. */
  launcherOnly: string[];
  /** maskedPaths and readonlyPaths: init applies them inside the container (ffi/native/init.c). */
  mask: string[];
  readonly: string[];
  /** Recursive options ("rro", ...) the launcher applies with mount_setattr(2), in mount order. */
  recursive: RecursiveAttr[];
  /**
   * Mount points create makes on the host before liblxc runs, race-free
   * (ffi/beneath.ts): `rel` below the host directory `base` — the rootfs, or
   * the source of the bind mount the destination lies in. liblxc would make
   * them with mkdir -p through whatever symlink a container sharing that
   * directory swapped in (CVE-2021-30465); their entries have no create=.
   * Destinations on a filesystem mounted fresh for the container (/dev's
   * tmpfs, /sys, ...) keep liblxc's create=: nothing else can write there.
   */
  mountpoints: MountPoint[];
}

// Options that are not mount(2) flags or filesystem data and that liblxc would misread.
const OCI_ONLY_OPTIONS = new Set(["tmpcopyup"]);

/** Device nodes every container gets in a /dev tmpfs (runtime-spec config-linux.md "Default Devices"). */
export const DEFAULT_DEVICES = ["null", "zero", "full", "random", "urandom", "tty"];

function isCgroupMount(m: Mount): boolean {
  return m.type === "cgroup" || m.type === "cgroup2";
}

/** A destination inside the container, normalized, with no way out of the rootfs by "..". */
export function containerPath(path: string, at: string): string {
  if (!isAbsolute(path)) throw configError(at, `must be an absolute path, got ${JSON.stringify(path)}`);
  if (path.includes("\0")) throw configError(at, "must not contain NUL");
  const n = normalize(path);
  if (n.split("/").includes("..")) throw configError(at, `must not leave the rootfs: ${JSON.stringify(path)}`);
  return n;
}

/** The files under /proc a mount may cover (what lxcfs emulates), as in runc's checkProcMount. */
const PROC_MOUNTS_ALLOWED = new Set([
  "/proc/cpuinfo",
  "/proc/diskstats",
  "/proc/meminfo",
  "/proc/stat",
  "/proc/swaps",
  "/proc/uptime",
  "/proc/loadavg",
  "/proc/slabinfo",
  "/proc/sys/kernel/ns_last_pid",
  "/proc/sys/crypto/fips_enabled",
]);

/**
 * Nothing but a procfs goes on /proc, and nothing on what is below it but a
 * few files lxcfs emulates: liblxc writes sysctls and oom_score_adj through
 * the container's /proc after the mount entries, and a mount there would
 * redirect those writes to what the config brought (the CVE-2025-52881 class).
 */
function checkProcMount(dest: string, m: Mount, bind: boolean, at: string): void {
  if (dest === "/proc") {
    if (m.type === "proc" && !bind) return;
    if (bind && m.source === "/proc") return;
    throw configError(`${at}.destination`, "only a procfs may be mounted on /proc");
  }
  if (dest.startsWith("/proc/") && !PROC_MOUNTS_ALLOWED.has(dest))
    throw configError(`${at}.destination`, `${dest}: mounts below /proc are refused (except ${[...PROC_MOUNTS_ALLOWED].join(", ")})`);
}

export interface MountPoint {
  base: string;
  rel: string;
  kind: "dir" | "file";
}

/** Where a destination's mount point lives: under the latest earlier mount that contains it, else in the rootfs. */
function mountPointOf(
  dest: string,
  kind: "dir" | "file",
  earlier: { dest: string; bindSource?: string }[],
  rootfs: string,
): MountPoint | undefined {
  const parent = earlier.findLast((e) => e.dest === "/" || dest.startsWith(`${e.dest}/`));
  if (!parent) return { base: rootfs, rel: dest.slice(1), kind };
  if (parent.bindSource === undefined) return undefined; // a fresh filesystem: liblxc's create= is safe there
  return { base: parent.bindSource, rel: dest.slice(parent.dest.length + 1), kind };
}

export function mountItems(spec: Spec, ctx: MountContext): MountPlan {
  const items: ConfigItem[] = [];
  const mountpoints: MountPlan["mountpoints"] = [];
  const autoMounts: string[] = [];
  const recursive: RecursiveAttr[] = [];
  const earlier: { dest: string; bindSource?: string }[] = [];

  (spec.mounts ?? []).forEach((m, i) => {
    const at = `mounts[${i}]`;
    const dest = ctx.resolve(containerPath(m.destination, `${at}.destination`));
    const split = recursiveAttrs(
      (m.options ?? []).filter((o) => !OCI_ONLY_OPTIONS.has(o)),
      dest,
      at,
    );
    const options = split.options;
    if (split.attr) recursive.push(split.attr);
    if (m.uidMappings?.length || m.gidMappings?.length) throw configError(`${at}.uidMappings`, "id-mapped mounts are not supported yet");
    const bind = m.type === "bind" || options.includes("bind") || options.includes("rbind");
    checkProcMount(dest, m, bind, at);
    if (isCgroupMount(m)) {
      if (ctx.cgroupHierarchies.length) {
        if (dest !== "/sys/fs/cgroup")
          throw configError(`${at}.destination`, "on a cgroup v1 host a cgroup mount must be at /sys/fs/cgroup");
        autoMounts.push(options.includes("ro") ? "cgroup:ro" : "cgroup:rw");
      } else items.push(["lxc.mount.entry", `cgroup2 ${fstabEscape(dest.slice(1))} cgroup2 ${[...options, "create=dir"].join(",")} 0 0`]);
      earlier.push({ dest });
      return;
    }
    let source = m.source ?? m.type ?? "none";
    let kind: "dir" | "file" = "dir";
    if (bind) {
      if (!m.source) throw configError(`${at}.source`, "is required for a bind mount");
      source = isAbsolute(m.source) ? m.source : join(ctx.bundle, m.source);
      const k = ctx.stat(source);
      if (k === "missing") {
        if (!options.includes("optional")) throw configError(`${at}.source`, `${JSON.stringify(source)} does not exist`);
      } else if (k === "fifo")
        throw configError(`${at}.source`, `${JSON.stringify(source)} is a FIFO or socket: bind-mounting those is not supported`);
      else kind = k;
      if (!options.includes("bind") && !options.includes("rbind")) options.unshift("bind");
    }
    const fstype = bind ? "none" : (m.type ?? "none");
    const point = mountPointOf(dest, kind, earlier, ctx.rootfs);
    if (point) mountpoints.push(point);
    else options.push(`create=${kind}`);
    // an fstab line needs an options field: "defaults" when there is none
    const entry = `${fstabEscape(source)} ${fstabEscape(dest.slice(1))} ${fstype} ${options.join(",") || "defaults"} 0 0`;
    items.push(["lxc.mount.entry", entry]);
    if (dest === "/dev/pts" && fstype === "devpts") items.push(["lxc.mount.entry", entry]); // the one liblxc unmounts
    earlier.push({ dest, bindSource: bind && kind === "dir" && ctx.stat(source) === "dir" ? source : undefined });
    if (dest === "/dev" && fstype === "tmpfs")
      for (const d of DEFAULT_DEVICES) items.push(["lxc.mount.entry", `/dev/${d} dev/${d} none bind,create=file 0 0`]);
  });

  // maskedPaths and readonlyPaths are init's, after pivot_root and after liblxc wrote the
  // sysctls (a read-only /proc/sys would refuse them): it opens each path inside the
  // container refusing any symlink on the way (one would move the mask elsewhere), masks
  // what it finds (/dev/null over a file, an empty read-only tmpfs over a directory)
  // through the fd it opened, and never opens a FIFO (liblxc would block on one).
  const mask = (spec.linux?.maskedPaths ?? []).map((p, i) => containerPath(p, `linux.maskedPaths[${i}]`));
  const readonly = (spec.linux?.readonlyPaths ?? []).map((p, i) => containerPath(p, `linux.readonlyPaths[${i}]`));

  const launcherOnly: string[] = [];
  if (!(spec.mounts ?? []).some((m) => m.destination === "/proc")) {
    items.unshift(["lxc.mount.entry", "proc proc proc nosuid,nodev,noexec 0 0"]);
    mountpoints.push({ base: ctx.rootfs, rel: "proc", kind: "dir" });
    launcherOnly.push("/proc");
  }
  items.unshift(["lxc.autodev", "0"], ["lxc.mount.auto", autoMounts.join(" ")]);
  return { items, mountpoints, launcherOnly, mask, readonly, recursive };
}
