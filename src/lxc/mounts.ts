// mounts, maskedPaths and readonlyPaths → lxc.mount.entry, in config order
// (runtime-tools checks the order in mountinfo). Two mounts need more than
// one entry:
//   /dev (tmpfs)      → the tmpfs, then the default device nodes bound from the host
//                       (liblxc adds /dev/fd, stdin, stdout, stderr; the launcher /dev/ptmx)
//   /dev/pts (devpts) → twice: with lxc.pty.max = 0 liblxc unmounts whatever is on /dev/pts
//                       once (conf.c lxc_finish_devpts_child); the first mount stays, in order
//   /sys/fs/cgroup    → cgroup2 on a pure v2 host. On v1 and hybrid hosts, as runc does: a
//                       tmpfs, then per v1 hierarchy a bind of the container's own cgroup
//                       (<hierarchy>/<lxc.cgroup.dir.container>, which liblxc creates before it
//                       applies any entry) onto <dest>/<hierarchy>, so the container reads its
//                       limits at /sys/fs/cgroup/memory/memory.limit_in_bytes. Not liblxc's
//                       lxc.mount.auto cgroup, which binds the cgroup at its full host path and
//                       only after all entries (so no later mount could go below it).
// A bind mount with shared propagation is no entry: see MountPlan.shared.
import { isAbsolute, join, normalize } from "node:path";
import { configError } from "../errors.ts";
import type { Mount, Spec } from "../spec/types.ts";
import { type ConfigItem, fstabEscape } from "./items.ts";
import type { RecursiveAttr } from "../contract/plan.ts";
import { recursiveAttrs, type SharedBind, sharedBind, wantsShared } from "./mount-attrs.ts";

/** "fifo" covers FIFOs and sockets: liblxc opens mount targets, and opening a FIFO blocks. */
export type PathKind = "dir" | "file" | "fifo" | "missing";

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

export interface MountContext {
  bundle: string;
  rootfs: string;
  /** Empty on a pure cgroup v2 host. */
  cgroupHierarchies: CgroupHierarchy[];
  /** The container's cgroup below each hierarchy's base (lxc.cgroup.dir.container): set by translate where a v1 cgroup mount needs it. */
  cgroupDir?: string;
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
  /**
   * Bind mounts that ask for shared propagation: not liblxc's (it makes every mount a
   * dependent first), but mounted from the host after all others by lxc.hook.start-host
   * (ffi/native/propagate.c), in the host's peer group as with runc.
   */
  shared: (SharedBind & { /** in spec.mounts */ index: number })[];
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

export function mountItems(spec: Spec, ctx: MountContext): MountPlan {
  const items: ConfigItem[] = [];
  const mountpoints: MountPlan["mountpoints"] = [];
  const recursive: RecursiveAttr[] = [];
  const shared: (SharedBind & { index: number })[] = [];

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
    // a mount below a shared bind mount would be hidden by it: that one is mounted after all others
    const above = shared.find((s) => dest === s.destination || dest.startsWith(`${s.destination}/`));
    if (above)
      throw configError(
        `${at}.destination`,
        `is at or below mounts[${above.index}].destination ${JSON.stringify(above.destination)}, a bind mount with shared propagation, which is mounted after all other mounts: list it first`,
      );
    if (isCgroupMount(m)) {
      if (ctx.cgroupHierarchies.length) items.push(...cgroupV1Entries(dest, options, ctx));
      else items.push(["lxc.mount.entry", `cgroup2 ${fstabEscape(dest.slice(1))} cgroup2 ${[...options, "create=dir"].join(",")} 0 0`]);
      mountpoints.push({ path: dest, kind: "dir" });
      return;
    }
    const bind = m.type === "bind" || options.includes("bind") || options.includes("rbind");
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
      if (wantsShared(options)) {
        if (k === "missing") return; // optional
        shared.push({ ...sharedBind(source, dest, options, at), index: i });
        mountpoints.push({ path: dest, kind });
        return;
      }
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
    const path = containerPath(p, `linux.maskedPaths[${i}]`);
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
    const path = containerPath(p, `linux.readonlyPaths[${i}]`);
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
  items.unshift(["lxc.autodev", "0"], ["lxc.mount.auto", ""]);
  return { items, mountpoints, launcherOnly, launcherMask, launcherReadonly, recursive, shared };
}

const PROPAGATION_OPTIONS = new Set(["shared", "rshared", "slave", "rslave", "private", "rprivate", "unbindable", "runbindable"]);

/**
 * A cgroup mount on a v1 or hybrid host, as runc's mountCgroupV1 makes it without a cgroup
 * namespace of its own: a tmpfs (nosuid, nodev, noexec, mode 755; rw, so the mount points
 * below it and later mounts, such as podman's /sys/fs/cgroup/systemd, can be made), then
 * for each v1 hierarchy a recursive bind of the container's own cgroup with the mount's
 * options ("ro" makes each bind read-only). Like runc, not a hybrid host's cgroup2
 * (/sys/fs/cgroup/unified): with it, systemd as the container's init takes the hybrid
 * layout, looks for its cgroup at the full path /proc/self/cgroup names below the unified
 * mount and stops when it cannot create it there; without it, systemd uses the name=systemd
 * hierarchy (which podman binds whole for it). Where the host co-mounts controllers ("cpu,cpuacct"),
 * runc adds a symlink per controller; mount entries cannot make symlinks, so each controller's
 * name gets the same bind.
 */
function cgroupV1Entries(dest: string, options: string[], ctx: MountContext): ConfigItem[] {
  if (ctx.cgroupDir === undefined) throw new Error("translate: a cgroup v1 mount needs the container's cgroup directory");
  const target = fstabEscape(dest.slice(1));
  const propagation = options.filter((o) => PROPAGATION_OPTIONS.has(o));
  const items: ConfigItem[] = [
    ["lxc.mount.entry", `tmpfs ${target} tmpfs ${["nosuid", "nodev", "noexec", "mode=755", ...propagation, "create=dir"].join(",")} 0 0`],
  ];
  const v1 = ctx.cgroupHierarchies.filter((h) => h.fstype === "cgroup");
  const names = new Set(v1.map((h) => h.name));
  for (const h of v1) {
    const source = fstabEscape(join(h.base, ctx.cgroupDir));
    const bindOptions = ["rbind", ...options.filter((o) => o !== "bind" && o !== "rbind"), "create=dir"].join(",");
    const aliases = h.name.includes(",") ? h.name.split(",").filter((n) => !names.has(n)) : [];
    for (const name of [h.name, ...aliases])
      items.push(["lxc.mount.entry", `${source} ${target}/${fstabEscape(name)} none ${bindOptions} 0 0`]);
  }
  return items;
}
