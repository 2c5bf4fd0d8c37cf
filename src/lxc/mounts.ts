// mounts, maskedPaths and readonlyPaths → lxc.mount.entry, in config order
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
import { unsupportedOnHost } from "../errors.ts";
import { procMountProblem } from "../spec/mounts.ts";
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
  /** maskedPaths and readonlyPaths that are FIFOs or sockets, or above a sysctl: the launcher binds them. */
  launcherMask: string[];
  launcherReadonly: string[];
  /** Recursive options ("rro", ...) the launcher applies with mount_setattr(2), in mount order. */
  recursive: RecursiveAttr[];
  /** Mount points to create in the rootfs on the host (a read-only root cannot get them later). */
  mountpoints: { path: string; kind: "dir" | "file" }[];
}

// Options that are not mount(2) flags or filesystem data and that liblxc would misread.
const OCI_ONLY_OPTIONS = new Set(["tmpcopyup"]);

/** Device nodes every container gets in a /dev tmpfs (runtime-spec config-linux.md "Default Devices"). */
export const DEFAULT_DEVICES = ["null", "zero", "full", "random", "urandom", "tty"];

function isCgroupMount(m: Mount): boolean {
  return m.type === "cgroup" || m.type === "cgroup2";
}

/** A destination inside the container, normalized (the checker made sure it is absolute and stays in the rootfs). */
export function containerPath(path: string): string {
  return normalize(path);
}

/**
 * The checker refused what the config names on /proc (src/spec/mounts.ts);
 * this is for a destination the rootfs's symlinks resolve to /proc or below.
 */
function checkProcMount(dest: string, m: Mount, bind: boolean, at: string): void {
  const problem = procMountProblem(dest, m, bind);
  if (problem) throw unsupportedOnHost(`${at}.destination`, problem);
}

export function mountItems(spec: Spec, ctx: MountContext): MountPlan {
  const items: ConfigItem[] = [];
  const mountpoints: MountPlan["mountpoints"] = [];
  const autoMounts: string[] = [];
  const recursive: RecursiveAttr[] = [];

  (spec.mounts ?? []).forEach((m, i) => {
    const at = `mounts[${i}]`;
    const dest = ctx.resolve(containerPath(m.destination));
    const split = recursiveAttrs(
      (m.options ?? []).filter((o) => !OCI_ONLY_OPTIONS.has(o)),
      dest,
    );
    const options = split.options;
    if (split.attr) recursive.push(split.attr);
    const bind = m.type === "bind" || options.includes("bind") || options.includes("rbind");
    checkProcMount(dest, m, bind, at);
    if (isCgroupMount(m)) {
      if (ctx.cgroupHierarchies.length) {
        if (dest !== "/sys/fs/cgroup")
          throw unsupportedOnHost(`${at}.destination`, "on a cgroup v1 host a cgroup mount must be at /sys/fs/cgroup");
        autoMounts.push(options.includes("ro") ? "cgroup:ro" : "cgroup:rw");
      } else items.push(["lxc.mount.entry", `cgroup2 ${fstabEscape(dest.slice(1))} cgroup2 ${[...options, "create=dir"].join(",")} 0 0`]);
      return;
    }
    let source = m.source ?? m.type ?? "none";
    let kind: "dir" | "file" = "dir";
    if (bind) {
      const from = m.source!; // the checker made sure a bind mount has one
      source = isAbsolute(from) ? from : join(ctx.bundle, from);
      const k = ctx.stat(source);
      if (k === "missing") {
        if (!options.includes("optional")) throw unsupportedOnHost(`${at}.source`, `${JSON.stringify(source)} does not exist`);
      } else if (k === "fifo")
        throw unsupportedOnHost(`${at}.source`, `${JSON.stringify(source)} is a FIFO or socket: bind-mounting those is not supported`);
      else kind = k;
      if (!options.includes("bind") && !options.includes("rbind")) options.unshift("bind");
    }
    const fstype = bind ? "none" : (m.type ?? "none");
    options.push(`create=${kind}`);
    const entry = `${fstabEscape(source)} ${fstabEscape(dest.slice(1))} ${fstype} ${options.join(",")} 0 0`;
    items.push(["lxc.mount.entry", entry]);
    if (dest === "/dev/pts" && fstype === "devpts") items.push(["lxc.mount.entry", entry]); // the one liblxc unmounts
    mountpoints.push({ path: dest, kind });
    if (dest === "/dev" && fstype === "tmpfs")
      for (const d of DEFAULT_DEVICES) items.push(["lxc.mount.entry", `/dev/${d} dev/${d} none bind,create=file 0 0`]);
  });

  // FIFOs and sockets: liblxc opens mount targets, which blocks on a FIFO; the launcher binds them.
  const launcherMask: string[] = [];
  const launcherReadonly: string[] = [];

  // maskedPaths: files get /dev/null bound over them, directories an empty read-only tmpfs.
  // Under /proc and /sys the container sees what the host sees, so the host path tells which.
  (spec.linux?.maskedPaths ?? []).forEach((p, i) => {
    const path = containerPath(p);
    const kind = ctx.stat(/^\/(proc|sys)(\/|$)/.test(path) ? path : join(ctx.rootfs, path));
    if (kind === "missing") return; // nothing to mask
    if (kind === "fifo") {
      launcherMask.push(path); // liblxc would block opening it: the launcher binds /dev/null over it
      return;
    }
    const target = fstabEscape(path.slice(1));
    items.push([
      "lxc.mount.entry",
      kind === "dir" ? `tmpfs ${target} tmpfs ro,nosuid,nodev,noexec,size=0,optional 0 0` : `/dev/null ${target} none bind,optional 0 0`,
    ]);
  });

  // readonlyPaths: bind the path onto itself read-only. The source is the path as the
  // container will see it, i.e. under the rootfs mount (lxc.rootfs.mount = the rootfs path).
  // liblxc writes linux.sysctl after its mount entries: a read-only path above a sysctl
  // (podman's /proc/sys) is left to the launcher, which runs after that.
  const sysctlFiles = Object.keys(spec.linux?.sysctl ?? {}).map((k) => `/proc/sys/${k.replace(/\./g, "/")}`);
  (spec.linux?.readonlyPaths ?? []).forEach((p, i) => {
    const path = containerPath(p);
    const aboveSysctl = sysctlFiles.some((f) => f === path || f.startsWith(path + "/"));
    if (aboveSysctl || (!/^\/(proc|sys)(\/|$)/.test(path) && ctx.stat(join(ctx.rootfs, path)) === "fifo")) {
      launcherReadonly.push(path);
      return;
    }
    items.push(["lxc.mount.entry", `${fstabEscape(join(ctx.rootfs, path))} ${fstabEscape(path.slice(1))} none rbind,ro,optional 0 0`]);
  });

  const launcherOnly: string[] = [];
  if (!(spec.mounts ?? []).some((m) => m.destination === "/proc")) {
    items.unshift(["lxc.mount.entry", "proc proc proc nosuid,nodev,noexec,create=dir 0 0"]);
    mountpoints.push({ path: "/proc", kind: "dir" });
    launcherOnly.push("/proc");
  }
  items.unshift(["lxc.autodev", "0"], ["lxc.mount.auto", autoMounts.join(" ")]);
  return { items, mountpoints, launcherOnly, launcherMask, launcherReadonly, recursive };
}
