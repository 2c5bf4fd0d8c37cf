// mounts → lxc.mount.entry, in config order
// (runtime-tools checks the order in mountinfo). Two mounts need more than
// one entry:
//   /dev (tmpfs)      → the tmpfs, then the default device nodes bound from the host
//                       (liblxc adds /dev/fd, stdin, stdout, stderr; init /dev/ptmx)
//   /dev/pts (devpts) → twice: with lxc.pty.max = 0 liblxc unmounts whatever is on /dev/pts
//                       once (conf.c lxc_finish_devpts_child); the first mount stays, in order
//   /sys/fs/cgroup    → cgroup2 on a pure v2 host with a cgroup namespace; without one, a bind
//                       of the container's own cgroup (as runc). On v1 and hybrid hosts, as runc does: a
//                       tmpfs, then per v1 hierarchy a bind of the container's own cgroup
//                       (<hierarchy>/<lxc.cgroup.dir.container>, which liblxc creates before it
//                       applies any entry) onto <dest>/<hierarchy>, so the container reads its
//                       limits at /sys/fs/cgroup/memory/memory.limit_in_bytes. Not liblxc's
//                       lxc.mount.auto cgroup, which binds the cgroup at its full host path and
//                       only after all entries (so no later mount could go below it).
// A bind mount with shared propagation in the host's peer group is also mounted from the host:
// see MountPlan.shared. Propagation is set again after liblxc's pivot_root: MountPlan.propagation.
import { isAbsolute, join, normalize } from "../path.ts";
import { unsupportedOnHost } from "../errors.ts";
import { keepsHostPeers, procMountProblem, wantsShared } from "../spec/mounts.ts";
import type { Mount, Spec } from "../spec/types.ts";
import { type ConfigItem, fstabEscape } from "./items.ts";
import type { PropagationStep, RecursiveAttr, TmpfsFromImage } from "../contract/plan.ts";
import { recursiveAttrs, type SharedBind, sharedBind, topAttrs } from "./mount-attrs.ts";
import { mountSteps, PROPAGATION_OPTIONS, PropagationSteps } from "./propagation.ts";
import { checkBelowIdmapped, type IdmapMount, idmapMount } from "./idmap-mounts.ts";
import { IDMAP_OPTIONS } from "../spec/idmap.ts";
import { liblxcDropsSome, type StagedMount, stageMount } from "./staged-mounts.ts";

/** "fifo" covers FIFOs and sockets: liblxc opens mount targets, and opening a FIFO blocks. */
export type PathKind = "dir" | "file" | "fifo" | "missing";

export type { CgroupHierarchy } from "../cgroups/layout.ts";
import type { CgroupHierarchy } from "../cgroups/layout.ts";

export interface MountContext {
  bundle: string;
  rootfs: string;
  /** Empty on a pure cgroup v2 host. */
  cgroupHierarchies: CgroupHierarchy[];
  /** On a pure cgroup v2 host: the directory liblxc makes the container's cgroup in (host.ts cgroupV2Base). */
  cgroupV2Base?: string;
  /** The container's cgroup below each hierarchy's base (lxc.cgroup.dir.container): set by translate where a v1 cgroup mount needs it. */
  cgroupDir?: string;
  /**
   * Rootless (translate.ts): the container's own cgroup — without one (cgroupless), the
   * caller's — is bound at a cgroup mount, as runc falls back to. Without a cgroup liblxc
   * unshares the cgroup namespace only after the mounts, and a cgroup2 mount without root on
   * the host fails (EBUSY in the guest, runc's #2158); with one the bind is what is tested.
   */
  rootless?: boolean;
  cgroupless?: boolean;
  /** What a host path is; the only I/O translation needs, injected so tests stay pure. */
  stat: (hostPath: string) => PathKind;
  /** A host directory's permission bits (undefined if it is none): what a tmpfs on it takes. */
  dirMode?: (hostPath: string) => number | undefined;
  /** A container path with the rootfs's symlinks resolved inside the rootfs (host.ts resolveInRootfs). */
  resolve: (containerPath: string) => string;
  /**
   * A user namespace that does not own the network namespace joined by path: sysfs cannot be
   * mounted, the host's /sys is bound (src/lxc/host-sysfs.ts), and a cgroup2 mount on its
   * /sys/fs/cgroup would be refused (EBUSY, the same superblock): the container's cgroup is bound, as runc falls back.
   */
  sysfsFromHost?: boolean;
  /** Where the pre-mount hook mounts what liblxc cannot (src/lxc/staged-mounts.ts): <root>/.stage. */
  stageDir: string;
}

export interface MountPlan {
  items: ConfigItem[];
  /** Mounts only liblxc needs (it execs init through /proc/self/fd); init detaches them before the exec. */
  launcherOnly: string[];
  /** maskedPaths and readonlyPaths: init applies them inside the container (ffi/native/init.c). */
  mask: string[];
  readonly: string[];
  /** Recursive options ("rro", ...), a bind mount's own flags and "nosymfollow", which init applies with mount_setattr(2), in mount order. */
  recursive: RecursiveAttr[];
  /** Propagation steps, in order (src/lxc/propagation.ts): init's, or the start-host hook's when there are shared binds. */
  propagation: PropagationStep[];
  /** tmpfs mounts that take the image directory's files from init ("tmpcopyup", ffi/native/copyup.c). */
  tmpfs: TmpfsFromImage[];
  /** Mounts whose root init labels with linux.mountLabel by xattr (mqueue), in the container. */
  labelled: string[];
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
  /**
   * Bind mounts that ask for shared propagation where runc's would be in the host's peer group
   * (linux.rootfsPropagation "shared" or "rshared"): liblxc cannot put them there (it makes
   * every mount a dependent first), so lxc.hook.start-host (ffi/native/propagate.c) mounts a
   * clone from the host on top of liblxc's plain bind after all other mounts. Otherwise
   * "shared" is liblxc's and the propagation steps' (a peer group of the container's own,
   * a dependent of the host's: nothing the container mounts reaches the host, as with runc).
   */
  shared: (SharedBind & { /** in spec.mounts */ index: number })[];
  /** Id-mapped bind mounts: a second start-host hook stacks them on liblxc's bind (src/lxc/idmap-mounts.ts). */
  idmapped: IdmapMount[];
  /** Filesystems liblxc 5.0 would mount as something else, mounted by the pre-mount hook and bound by liblxc, in order. */
  staged: StagedMount[];
}

// Options that are not mount(2) flags or filesystem data and that liblxc would misread.
const OCI_ONLY_OPTIONS = new Set(["tmpcopyup", ...IDMAP_OPTIONS]);

const MOUNT_ATTR_RDONLY = 0x1;

/** Device nodes every container gets in a /dev tmpfs (runtime-spec config-linux.md "Default Devices"). */
export const DEFAULT_DEVICES = ["null", "zero", "full", "random", "urandom", "tty"];

/**
 * Whether the default devices are bound from the host (as runc does in a user namespace, where
 * mknod is refused: the container's own, or the rootless caller's) rather than made by init in
 * the /dev tmpfs (devices.ts). Only in a user namespace may a container hold a host device inode:
 * there its root is not the inode's owner and cannot chmod or chown it; without one, a
 * container's root with CAP_FOWNER changed the host's /dev/null through the bind
 * (`chmod 700 /dev/null` broke the host).
 */
export const bindsHostDevices = (spec: Spec, rootless = false): boolean =>
  rootless || (spec.linux?.namespaces?.some((n) => n.type === "user") ?? false);

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
  const recursive: RecursiveAttr[] = [];
  const shared: (SharedBind & { index: number })[] = [];
  const idmapped: IdmapMount[] = [];
  const earlier: { dest: string; bindSource?: string }[] = [];
  const propagation = new PropagationSteps(spec.linux?.rootfsPropagation);
  const tmpfs: TmpfsFromImage[] = [];
  const hostPeers = keepsHostPeers(spec);
  const label = spec.linux?.mountLabel || undefined;
  const labelled: string[] = [];
  const staged: StagedMount[] = [];
  /** A filesystem's entry, or where liblxc 5.0 would drop part of its options, the bind of it staged. */
  const entryOf = (index: number, source: string, target: string, fstype: string, options: string[], dest: string): string => {
    if (fstype !== "none" && liblxcDropsSome(options)) {
      const create = options.filter((o) => o.startsWith("create="));
      const { staged: s, bindOptions } = stageMount(
        index,
        source,
        fstype,
        options.filter((o) => !o.startsWith("create=")),
        dest,
      );
      staged.push(s);
      return `${fstabEscape(join(ctx.stageDir, String(staged.length - 1)))} ${target} none ${[...bindOptions, ...create].join(",")} 0 0`;
    }
    // an fstab line needs an options field: "defaults" when there is none
    return `${fstabEscape(source)} ${target} ${fstype} ${options.join(",") || "defaults"} 0 0`;
  };

  (spec.mounts ?? []).forEach((m, i) => {
    const at = `mounts[${i}]`;
    const dest = ctx.resolve(containerPath(m.destination));
    // the checker made sure "tmpcopyup" is on a tmpfs
    const copyUp = m.type === "tmpfs" && !!m.options?.includes("tmpcopyup");
    if (copyUp) tmpfs.push({ path: dest, copyUp: true });
    const split = recursiveAttrs(
      (m.options ?? []).filter((o) => !OCI_ONLY_OPTIONS.has(o)),
      dest,
    );
    const options = split.options;
    // a read-only tmpfs is mounted read-write and made read-only by init (the mount, not its
    // filesystem), after the copy for tmpcopyup, as runc remounts it (MS_BIND | MS_REMOUNT |
    // MS_RDONLY) after its mounts
    const readOnlyAfter = m.type === "tmpfs" && options.findLast((o) => o === "ro" || o === "rw") === "ro";
    if (readOnlyAfter) options.splice(0, options.length, ...options.filter((o) => o !== "ro"));
    // a tmpfs on a directory of the image takes its mode, unless the options name one: first
    // in the data, as runc >= 1.2 passes it (a read-only tmpfs could not be chmod'ed after); a
    // mount point create makes is not the image's (translation runs before create makes them)
    if (m.type === "tmpfs" && !options.some((o) => o.startsWith("mode="))) {
      const point = mountPointOf(dest, "dir", earlier, ctx.rootfs);
      const mode = point ? ctx.dirMode?.(join(point.base, point.rel)) : undefined;
      if (mode !== undefined) options.unshift(`mode=${mode.toString(8).padStart(4, "0")}`);
    }
    // its propagation once liblxc's rshared is undone; not for a host clone (the hook's) nor an optional bind that is not there
    let steps: PropagationStep[] | undefined = mountSteps(dest, options);
    const parent = earlier.findLast((e) => e.dest === "/" || dest === e.dest || dest.startsWith(`${e.dest}/`))?.dest;
    // a mount below a shared bind mount would be hidden by it (the host's clone is stacked on it
    // after all others); the checker refused what the config names, this is where the rootfs's
    // symlinks lead
    checkBelowIdmapped(idmapped, dest, at);
    const above = shared.find((s) => dest === s.destination || dest.startsWith(`${s.destination}/`));
    if (above)
      throw unsupportedOnHost(
        `${at}.destination`,
        `resolves in the rootfs to ${JSON.stringify(dest)}, at or below mounts[${above.index}].destination, a bind mount with shared propagation, whose clone from the host is mounted on top after all other mounts`,
      );
    const bind = m.type === "bind" || options.includes("bind") || options.includes("rbind");
    checkProcMount(dest, m, bind, at);
    if (isCgroupMount(m)) {
      if (split.attr) recursive.push(split.attr);
      propagation.mount(dest, parent, steps);
      if (ctx.cgroupHierarchies.length) items.push(...cgroupV1Entries(dest, options, ctx, label, entryOf));
      else if (hasCgroupNamespace(spec) && !ctx.sysfsFromHost && !ctx.rootless && !ctx.cgroupless)
        items.push(["lxc.mount.entry", `cgroup2 ${fstabEscape(dest.slice(1))} cgroup2 ${[...options, "create=dir"].join(",")} 0 0`]);
      else items.push(cgroupV2Bind(dest, options, ctx));
      earlier.push({ dest });
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
        steps = undefined; // no mount there
      } else if (k === "fifo")
        throw unsupportedOnHost(`${at}.source`, `${JSON.stringify(source)} is a FIFO or socket: bind-mounting those is not supported`);
      else kind = k;
      if (!options.includes("bind") && !options.includes("rbind")) options.unshift("bind");
      if (hostPeers && wantsShared(options)) {
        if (k === "missing") return; // optional
        // the start-host hook stacks the host's clone on it; liblxc's plain bind below keeps
        // the mount's place in the config's order (runtime-spec: mounts in order, as
        // mountinfo lists them). Optional: the clone is what counts.
        shared.push({ ...sharedBind(source, dest, options), index: i });
        for (const p of ["shared", "rshared"]) while (options.includes(p)) options.splice(options.indexOf(p), 1);
        if (!options.includes("optional")) options.push("optional");
        steps = []; // the hook makes it shared after the steps
      }
      const idmap = k === "missing" ? undefined : idmapMount(m, i, source, dest, options);
      if (idmap) idmapped.push(idmap);
    }
    if (steps) propagation.mount(dest, parent, steps, bind && options.includes("rbind"));
    // the mount's own flags where liblxc leaves them out (a host clone has them already), then
    // the recursive ones, as runc remounts before it sets those; nothing for a mount not made
    const top = topAttrs(options, dest, bind);
    options.splice(0, options.length, ...top.options);
    if (readOnlyAfter) top.attr = { path: dest, set: (top.attr?.set ?? 0) | MOUNT_ATTR_RDONLY, clr: 0, top: true };
    if (steps !== undefined) {
      if (top.attr && !shared.some((s) => s.index === i)) recursive.push(top.attr);
      if (split.attr) recursive.push(split.attr);
    }
    const fstype = bind ? "none" : (m.type ?? "none");
    if (label && !bind) {
      if (fstype === "mqueue") labelled.push(dest);
      else if (!UNLABELLED.has(fstype)) options.push(contextOption(label));
    }
    const point = mountPointOf(dest, kind, earlier, ctx.rootfs);
    if (point) mountpoints.push(point);
    else options.push(`create=${kind}`);
    const entry = entryOf(i, source, fstabEscape(dest.slice(1)), fstype, options, dest);
    items.push(["lxc.mount.entry", entry]);
    if (dest === "/dev/pts" && fstype === "devpts") items.push(["lxc.mount.entry", entry]); // the one liblxc unmounts
    earlier.push({ dest, bindSource: bind && kind === "dir" && ctx.stat(source) === "dir" ? source : undefined });
    if (dest === "/dev" && fstype === "tmpfs" && bindsHostDevices(spec, ctx.rootless))
      for (const d of DEFAULT_DEVICES) items.push(["lxc.mount.entry", `/dev/${d} dev/${d} none bind,create=file 0 0`]);
  });

  // maskedPaths and readonlyPaths are init's, after pivot_root and after liblxc wrote the
  // sysctls (a read-only /proc/sys would refuse them): it opens each path inside the
  // container refusing any symlink on the way (one would move the mask elsewhere), masks
  // what it finds (/dev/null over a file, an empty read-only tmpfs over a directory)
  // through the fd it opened, and never opens a FIFO (liblxc would block on one).
  const mask = (spec.linux?.maskedPaths ?? []).map((p) => containerPath(p));
  const readonly = (spec.linux?.readonlyPaths ?? []).map((p) => containerPath(p));

  const launcherOnly: string[] = [];
  if (!(spec.mounts ?? []).some((m) => m.destination === "/proc")) {
    items.unshift(["lxc.mount.entry", "proc proc proc nosuid,nodev,noexec 0 0"]);
    mountpoints.push({ base: ctx.rootfs, rel: "proc", kind: "dir" });
    launcherOnly.push("/proc");
  }
  items.unshift(["lxc.autodev", "0"], ["lxc.mount.auto", ""]);
  propagation.root();
  return {
    items,
    mountpoints,
    launcherOnly,
    mask,
    readonly,
    recursive,
    propagation: propagation.steps,
    tmpfs,
    labelled,
    shared,
    idmapped,
    staged,
  };
}

/**
 * linux.mountLabel as runc applies it (libcontainer/rootfs_linux.go): `context="<label>"` in the
 * data of every filesystem it mounts (tmpfs, devpts, a v1 host's cgroup tmpfs, ...) but proc and
 * sysfs, which keep their own labels; an mqueue gets it by xattr (init), a bind mount keeps its
 * source's, cgroup2 its own. The label is a checked context (src/spec/process.ts): no quote or
 * blank to end the option early.
 */
const UNLABELLED = new Set(["proc", "sysfs", "cgroup", "cgroup2", "none"]);

export function contextOption(label: string): string {
  // a category set ("s0:c1,c2") has a comma liblxc 5.0 would cut the option at: such a mount is staged (staged-mounts.ts)
  return `context="${label}"`;
}

function hasCgroupNamespace(spec: Spec): boolean {
  return (spec.linux?.namespaces ?? []).some((n) => n.type === "cgroup");
}

/**
 * A cgroup mount on a pure v2 host without a cgroup namespace: a cgroup2 mount would show the
 * host's whole hierarchy, so, as runc does, the container's own cgroup is bound there instead
 * (the container reads its limits at /sys/fs/cgroup/memory.max).
 */
function cgroupV2Bind(dest: string, options: string[], ctx: MountContext): ConfigItem {
  if (ctx.cgroupDir === undefined || ctx.cgroupV2Base === undefined)
    throw new Error("translate: a cgroup mount without a cgroup namespace needs the container's cgroup directory");
  const bindOptions = ["rbind", ...options.filter((o) => o !== "bind" && o !== "rbind"), "create=dir"].join(",");
  return ["lxc.mount.entry", `${fstabEscape(join(ctx.cgroupV2Base, ctx.cgroupDir))} ${fstabEscape(dest.slice(1))} none ${bindOptions} 0 0`];
}

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
function cgroupV1Entries(
  dest: string,
  options: string[],
  ctx: MountContext,
  label: string | undefined,
  entryOf: (index: number, source: string, target: string, fstype: string, options: string[], dest: string) => string,
): ConfigItem[] {
  if (ctx.cgroupDir === undefined) throw new Error("translate: a cgroup v1 mount needs the container's cgroup directory");
  const target = fstabEscape(dest.slice(1));
  const propagation = options.filter((o) => PROPAGATION_OPTIONS.has(o));
  const tmpfsOptions = ["nosuid", "nodev", "noexec", "mode=755", ...propagation, ...(label ? [contextOption(label)] : []), "create=dir"];
  const items: ConfigItem[] = [["lxc.mount.entry", entryOf(-1, "tmpfs", target, "tmpfs", tmpfsOptions, dest)]];
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
