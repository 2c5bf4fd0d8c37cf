// The OCI spec → the complete list of LXC config items for one container.
// Pure: every input from the host (paths, cgroup layout, stat) comes in
// through TranslateContext, so each mapping is unit-tested without root.
// The spec was checked (src/spec/validate.ts): the only refusals here are
// the host's (unsupportedOnHost), and read-back.ts's boundary check.
import { isAbsolute, join } from "../path.ts";
import { MOUNT_HOOK_COMMAND } from "../contract/layout.ts";
import type { InitSetup } from "../contract/plan.ts";
import { unsupportedOnHost } from "../errors.ts";
import { sysctlNamespace } from "../spec/linux.ts";
import type { Spec } from "../spec/types.ts";
import { checkReadBack } from "./read-back.ts";
import { type CgroupLayout, deviceItems, deviceNodes } from "./devices.ts";
import { type ConfigItem, hookArg } from "./items.ts";
import { type MountContext, mountItems, type MountPlan, type MountPoint } from "./mounts.ts";
import { withHostSysfs } from "./host-sysfs.ts";
import { idmapHookCommand } from "./idmap-mounts.ts";
import { stageHookCommand } from "./staged-mounts.ts";
import { namespaceItems } from "./namespaces.ts";
import { type DeviceAddresses, netDeviceItems } from "./net-devices.ts";
import { cgroupSettings, type CgroupSetting } from "../cgroups/settings.ts";
import { systemdCgroupPath } from "../cgroups/scope.ts";
import { cgroupItems } from "./cgroup-items.ts";
import { propagationFlags } from "./propagation.ts";
import { timeOffsetItems } from "./time.ts";

export interface TranslateContext extends MountContext {
  id: string;
  runtimeDir: string;
  cgroup: CgroupLayout;
  logLevel: string;
  /** The runtime's hard rlimits: only a limit above them needs liblxc (privileged) to raise it. */
  hardRlimits: Record<string, number>;
  /**
   * With prestart, createRuntime or createContainer hooks: the fds (in the
   * monitor, kept by liblxc for the container) of the sealed lxcri-init
   * and of the mount hook's end of the hook socket, for lxc.hook.mount.
   */
  mountHook?: { exeFd: number; socketFd: number };
  /**
   * The fds (in the monitor, which liblxc keeps) of the sealed lxcri-init and of create's report
   * pipe, for lxc.hook.start-host: it mounts bind mounts with shared propagation from the host.
   */
  startHostHook?: { exeFd: number; reportFd: number };
  /** Namespace types joined by path that the monitor joins itself, before liblxc joins the user namespace (src/host/namespaces.ts joinedBeforeUser). */
  joinedByMonitor?: string[];
  /** Whether a namespace joined by `path` is the runtime's own (then a namespaced sysctl would change the host). */
  isRuntimeNamespace: (type: string, path: string) => boolean;
  /** --systemd-cgroup: cgroupsPath is "slice:prefix:name". */
  systemdCgroup?: boolean;
  /**
   * Rootless under the user's systemd (src/cgroups/user-scope.ts): the monitor starts in
   * the container's scope, and liblxc makes its cgroups below it (lxc.cgroup.relative = 1).
   */
  inUserScope?: boolean;
  /**
   * `name`, or the first of `name-1`, `name-2`, … that no hierarchy has yet (liblxc's own
   * choice when it picks the cgroup's name, which it no longer does once translation names it).
   */
  freeCgroupName?: (name: string) => string;
  /** linux.netDevices: a host device's addresses to carry over (default: none, the device known by /sys/class/net). */
  netDeviceAddresses?: DeviceAddresses;
  /**
   * Rootless without a cgroup the caller may write (cgroup v1, or no delegated v2 subtree):
   * liblxc then makes none and the container stays in the caller's (cgroupHierarchies' and
   * cgroupV2Base's bases are then the caller's own cgroups, which a cgroup mount binds, as
   * runc's). Device rules are left out and limits refused, as runc does.
   */
  cgroupless?: boolean;
  // rootless (MountContext, src/host/caller-userns.ts): no device cgroup rules even with a cgroup —
  // a v1 devices file and v2's BPF device program need root on the host (runc leaves them out)
  warn: (message: string) => void;
}

export interface Translation {
  items: ConfigItem[];
  mountpoints: MountPoint[];
  /** What init does in the container before it is ready (all but the process). */
  setup: InitSetup;
  /** The container's cgroup below each hierarchy's base (lxc.cgroup.dir.container): always set. */
  cgroupDir: string;
  /** The monitor's cgroup below each hierarchy's base (lxc.cgroup.dir.monitor). */
  monitorCgroupDir: string;
  /** linux.resources as this host's cgroup files (src/cgroups/settings.ts): liblxc gets them as keys, a systemd scope as properties. */
  cgroupSettings: CgroupSetting[];
  /** Bind mounts with shared propagation, which the start-host hook mounts (for its error messages). */
  shared: MountPlan["shared"];
  /** Id-mapped bind mounts, which the second start-host hook mounts (for its error messages). */
  idmapped: MountPlan["idmapped"];
  /** Filesystems the pre-mount hook mounts (for its error messages). */
  staged: MountPlan["staged"];
}

/** A limit rootless lxcri cannot set: no cgroup it may write (runc: "cannot set memory limit: container could not join or create cgroup"). */
function cgrouplessLimit(file: string) {
  return unsupportedOnHost(
    "linux.resources",
    `cannot set ${file.split(".")[0]} limit (${file}): rootless, the container could not join or create a cgroup (no cgroup v2 subtree delegated to uid ${process.geteuid?.()}; on cgroup v1 there is none)`,
  );
}

/** The rootfs as an absolute host path (root.path may be relative to the bundle). */
export function rootfsPath(spec: Spec, bundle: string): string {
  const root = spec.root.path;
  return isAbsolute(root) ? root : join(bundle, root);
}

export function translate(spec: Spec, ctx: TranslateContext): Translation {
  const proc = spec.process;

  const dir = ctx.runtimeDir;
  const items: ConfigItem[] = [
    ["lxc.log.file", join(dir, "lxc.log")],
    ["lxc.log.level", ctx.logLevel],
    ["lxc.rootfs.path", `dir:${ctx.rootfs}`],
    // Mount the rootfs at its own path, so host paths under it are container paths too.
    ["lxc.rootfs.mount", ctx.rootfs],
    ["lxc.rootfs.managed", "0"],
    ["lxc.ephemeral", "0"],
    // No terminal: init keeps the caller's stdio (lxc.console.path=none).
    ["lxc.console.path", "none"],
    ["lxc.tty.max", "0"],
    ["lxc.apparmor.profile", "unconfined"],
  ];
  // rootfsPropagation is init's (or the start-host hook's): liblxc makes the new root rshared after pivot_root.
  if (spec.root?.readonly) items.push(["lxc.rootfs.options", "ro"]);
  if (spec.hostname !== undefined) items.push(["lxc.uts.name", spec.hostname]);
  if (proc.oomScoreAdj !== undefined) items.push(["lxc.proc.oom_score_adj", String(proc.oomScoreAdj)]);
  // The session keyring liblxc makes gets the process's label, as runc's SetKeyLabel; the process
  // itself is labelled by lxcri-init (ffi/native/selinux.c), never by liblxc.
  if (proc.selinuxLabel) items.push(["lxc.selinux.context.keyring", proc.selinuxLabel]);

  items.push(...namespaceItems(spec, ctx.joinedByMonitor));
  items.push(
    ...netDeviceItems(spec, ctx.netDeviceAddresses ?? ((name) => (ctx.stat(`/sys/class/net/${name}`) === "dir" ? [] : undefined))),
  );
  items.push(...timeOffsetItems(spec));
  // rlimits are set right before the process's exec (so limits such as RLIMIT_AS bind
  // the process, not init); liblxc raises those above our hard limit.
  for (const r of proc.rlimits ?? []) {
    if (r.hard <= (ctx.hardRlimits[r.type] ?? Infinity)) continue;
    const value = (n: number) => (n >= 2 ** 53 - 1 ? "unlimited" : String(n));
    items.push([`lxc.prlimit.${r.type.slice(7).toLowerCase()}`, `${value(r.soft)}:${value(r.hard)}`]);
  }
  for (const [key, value] of Object.entries(spec.linux?.sysctl ?? {})) {
    const at = `linux.sysctl[${JSON.stringify(key)}]`;
    // The checker made sure it is namespaced, in a namespace the config lists. A namespace
    // joined by path is the container's too (podman passes its network namespace so),
    // unless it is the runtime's own: compare it with ours, as runc does.
    const ns = sysctlNamespace(key)!;
    const own = spec.linux?.namespaces?.find((n) => n.type === ns);
    if (own?.path && ctx.isRuntimeNamespace(ns, own.path))
      throw unsupportedOnHost(at, `needs a ${ns} namespace of the container's own (new, or joined by path), or it would change the host's`);
    items.push([`lxc.sysctl.${key}`, value]);
  }
  const cgroupsPath =
    spec.linux?.cgroupsPath && ctx.systemdCgroup ? systemdCgroupPath(spec.linux.cgroupsPath, ctx.id) : spec.linux?.cgroupsPath;
  // Translation names the container's cgroups rather than liblxc: a cgroup mount that binds the
  // container's own cgroup (mounts.ts) needs its path before liblxc starts, and delete must
  // know exactly which directories are this container's (liblxc's "-N" for a taken name may
  // be another state root's container with the same id).
  const free = ctx.freeCgroupName ?? ((n: string) => n);
  // under a user's scope (rootless, their systemd) liblxc's own names, below the monitor's cgroup: the scope
  const cgroupDir = cgroupsPath && !ctx.inUserScope ? cgroupPathDir(cgroupsPath) : free(`lxc.payload.${ctx.id}`);
  const monitorCgroupDir = free(`lxc.monitor.${ctx.id}`);
  items.push(...cgroupDirItems(cgroupDir, monitorCgroupDir, !!ctx.inUserScope));
  const settings = cgroupSettings(spec.linux?.resources, ctx.cgroup, ctx.warn);
  if (ctx.cgroupless) {
    // runc (rootless): device rules are not expected to work, other limits are an error
    if (settings.length) throw cgrouplessLimit(settings[0]!.file);
  } else items.push(...(ctx.rootless ? [] : deviceItems(spec, ctx.cgroup)), ...cgroupItems(settings, ctx.cgroup));

  const mounts = mountItems(ctx.sysfsFromHost ? withHostSysfs(spec) : spec, { ...ctx, cgroupDir: ctx.cgroupless ? "" : cgroupDir });
  items.push(...mounts.items);

  if (ctx.mountHook || mounts.shared.length || mounts.idmapped.length || mounts.staged.length) items.push(["lxc.hook.version", "1"]);
  if (mounts.staged.length) {
    if (!ctx.startHostHook) throw new Error("translate: staged mounts need lxcri-init's and the report's fds");
    items.push(["lxc.hook.pre-mount", stageHookCommand(ctx.startHostHook.exeFd, ctx.startHostHook.reportFd, ctx.stageDir, mounts.staged)]);
  }
  if (ctx.mountHook) {
    // liblxc runs it as `sh -c "exec <cmd>"` from the host's /proc, before pivot_root: the
    // sealed lxcri-init, with the socket to create (both fds, nothing but digits).
    const { exeFd, socketFd } = ctx.mountHook;
    items.push(["lxc.hook.mount", `/proc/self/fd/${exeFd} ${MOUNT_HOOK_COMMAND} ${socketFd}`]);
  }
  if (mounts.shared.length) items.push(["lxc.hook.start-host", startHostCommand(ctx, mounts)]);
  if (mounts.idmapped.length) items.push(["lxc.hook.start-host", idmapStartHost(ctx, mounts)]);
  checkReadBack(items, spec, { "--bundle": ctx.bundle, "--root": ctx.runtimeDir, "root.path": ctx.rootfs });
  return {
    items,
    mountpoints: mounts.mountpoints,
    setup: initSetup(spec, ctx, mounts),
    cgroupDir,
    monitorCgroupDir,
    cgroupSettings: settings,
    shared: mounts.shared,
    idmapped: mounts.idmapped,
    staged: mounts.staged,
  };
}

/** The second lxc.hook.start-host, after propagate's: the id-mapped bind mounts (src/lxc/idmap-mounts.ts). */
function idmapStartHost(ctx: TranslateContext, mounts: MountPlan): string {
  if (!ctx.startHostHook) throw new Error("translate: id-mapped mounts need the start-host hook's fds");
  return idmapHookCommand(mounts.idmapped, ctx.startHostHook.exeFd, ctx.startHostHook.reportFd);
}

/** What init does in the container before it is ready; the process itself is src/lxc/process-plan.ts's. */
function initSetup(spec: Spec, ctx: TranslateContext, mounts: MountPlan): InitSetup {
  return {
    terminal: !!spec.process.terminal,
    detach: mounts.launcherOnly,
    devices: deviceNodes(spec, ctx.resolve, ctx.rootless),
    hostname: spec.linux?.namespaces?.some((n) => n.type === "uts" && n.path) ? spec.hostname : undefined,
    domainname: spec.domainname,
    mask: mounts.mask,
    readonly: mounts.readonly,
    recursive: mounts.recursive,
    // with shared bind mounts from the host the start-host hook sets it, before it mounts them
    propagation: mounts.shared.length ? [] : mounts.propagation,
    tmpfs: mounts.tmpfs,
    mountLabel: spec.linux?.mountLabel || undefined,
    labelled: mounts.labelled,
  };
}

/**
 * lxc.hook.start-host: liblxc runs it as `sh -c "exec <cmd>"` in the monitor's (the host's)
 * namespaces after the container's mounts, before init. The sealed lxcri-init in propagate
 * mode, with the report fd, the propagation steps (their count, then path in hex and flags)
 * and per mount its source and destination (hex: nothing needs quoting), rbind, attr_set,
 * attr_clr and propagation (decimal).
 */
function startHostCommand(ctx: TranslateContext, mounts: MountPlan): string {
  if (!ctx.startHostHook) throw new Error("translate: shared bind mounts need the start-host hook's fds");
  const steps = mounts.propagation.flatMap((p) => [hookArg(p.path), p.flags]);
  const args = mounts.shared.flatMap((m) => [hookArg(m.source), hookArg(m.destination), m.recursive ? 1 : 0, m.set, m.clr, m.propagation]);
  const { exeFd, reportFd } = ctx.startHostHook;
  return [`/proc/self/fd/${exeFd}`, "propagate", reportFd, mounts.propagation.length, ...steps, ...args].join(" ");
}

/**
 * cgroupsPath: an absolute path is relative to the cgroup root; a relative one
 * is placed under lxcri/. The checker made sure of its syntax.
 */
export function cgroupPathDir(path: string): string {
  return path.startsWith("/") ? path.replace(/^\/+/, "").replace(/\/+$/, "") : `lxcri/${path.replace(/\/+$/, "")}`;
}

/**
 * The container's and the monitor's cgroups below each hierarchy's base. The monitor gets a
 * sibling of liblxc's name for it (lxc.monitor.<id>), so callers can find the container's own.
 * `relative`: below the monitor's own cgroup rather than the base liblxc picks (pid 1's as root).
 */
function cgroupDirItems(container: string, monitor: string, relative: boolean): ConfigItem[] {
  return [
    ["lxc.cgroup.relative", relative ? "1" : "0"],
    ["lxc.cgroup.dir.container", container],
    ["lxc.cgroup.dir.monitor", monitor],
  ];
}

/** linux.rootfsPropagation as mount(2) flags ("rslave" → MS_SLAVE | MS_REC, runc's mapping). */
export const rootPropagation = propagationFlags;
