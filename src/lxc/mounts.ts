// mounts, maskedPaths and readonlyPaths → lxc.mount.entry and the few LXC
// keys that do a standard mount better than an entry can:
//   /dev tmpfs        → lxc.autodev (tmpfs plus the default device nodes and /dev symlinks)
//   /dev/pts devpts   → lxc.pty.max (new devpts instance, /dev/ptmx)
//   /sys/fs/cgroup    → lxc.mount.auto cgroup (works on v1, hybrid and v2 hosts)
import { isAbsolute, join, normalize } from "node:path";
import { configError } from "../errors.ts";
import type { Mount, Spec } from "../spec/types.ts";
import { type ConfigItem, fstabEscape } from "./items.ts";

export type PathKind = "dir" | "file" | "missing";

export interface MountContext {
  bundle: string;
  rootfs: string;
  /** What a host path is; the only I/O translation needs, injected so tests stay pure. */
  stat: (hostPath: string) => PathKind;
}

export interface MountPlan {
  items: ConfigItem[];
  /** Mount points to create in the rootfs on the host (a read-only root cannot get them later). */
  mountpoints: { path: string; kind: "dir" | "file" }[];
}

// Options that are not mount(2) flags or filesystem data and that liblxc would misread.
const OCI_ONLY_OPTIONS = new Set(["tmpcopyup"]);

function parseSize(v: string): number | undefined {
  const m = /^(\d+)([kmg]?)$/i.exec(v);
  if (!m) return undefined;
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase()]!;
  return Number(m[1]) * unit;
}

function isDefaultDevTmpfs(m: Mount): boolean {
  return m.destination === "/dev" && m.type === "tmpfs";
}

function isDefaultDevpts(m: Mount): boolean {
  return m.destination === "/dev/pts" && m.type === "devpts";
}

function isCgroupMount(m: Mount): boolean {
  return m.destination === "/sys/fs/cgroup" && (m.type === "cgroup" || m.type === "cgroup2");
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
  const autoMounts: string[] = [];
  let autodev = false;

  (spec.mounts ?? []).forEach((m, i) => {
    const at = `mounts[${i}]`;
    const dest = containerPath(m.destination, `${at}.destination`);
    const options = (m.options ?? []).filter((o) => !OCI_ONLY_OPTIONS.has(o));
    if (m.uidMappings?.length || m.gidMappings?.length)
      throw configError(`${at}.uidMappings`, "id-mapped mounts are not supported yet");
    if (isDefaultDevTmpfs(m)) {
      autodev = true;
      const size = options.map((o) => /^size=(.*)$/.exec(o)?.[1]).find(Boolean);
      const bytes = size ? parseSize(size) : undefined;
      if (size && bytes === undefined) throw configError(`${at}.options`, `invalid tmpfs size ${JSON.stringify(size)}`);
      if (bytes) items.push(["lxc.autodev.tmpfs.size", String(Math.max(1, Math.ceil(bytes / 1024 ** 2)))]);
      return;
    }
    if (isDefaultDevpts(m)) {
      items.push(["lxc.pty.max", "1024"]);
      return;
    }
    if (isCgroupMount(m)) {
      autoMounts.push(options.includes("ro") ? "cgroup:ro" : "cgroup:rw");
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
      } else kind = k;
      if (!options.includes("bind") && !options.includes("rbind")) options.unshift("bind");
    }
    const fstype = bind ? "none" : (m.type ?? "none");
    options.push(`create=${kind}`);
    items.push(["lxc.mount.entry", `${fstabEscape(source)} ${fstabEscape(dest.slice(1))} ${fstype} ${options.join(",")} 0 0`]);
    mountpoints.push({ path: dest, kind });
  });

  // maskedPaths: files get /dev/null bound over them, directories an empty read-only tmpfs.
  // Under /proc and /sys the container sees what the host sees, so the host path tells which.
  (spec.linux?.maskedPaths ?? []).forEach((p, i) => {
    const path = containerPath(p, `linux.maskedPaths[${i}]`);
    const kind = ctx.stat(/^\/(proc|sys)(\/|$)/.test(path) ? path : join(ctx.rootfs, path));
    if (kind === "missing") return; // nothing to mask
    const target = fstabEscape(path.slice(1));
    items.push([
      "lxc.mount.entry",
      kind === "dir" ? `tmpfs ${target} tmpfs ro,nosuid,nodev,noexec,size=0,optional 0 0` : `/dev/null ${target} none bind,optional 0 0`,
    ]);
  });

  // readonlyPaths: bind the path onto itself read-only. The source is the path as the
  // container will see it, i.e. under the rootfs mount (lxc.rootfs.mount = the rootfs path).
  (spec.linux?.readonlyPaths ?? []).forEach((p, i) => {
    const path = containerPath(p, `linux.readonlyPaths[${i}]`);
    items.push(["lxc.mount.entry", `${fstabEscape(join(ctx.rootfs, path))} ${fstabEscape(path.slice(1))} none rbind,ro,optional 0 0`]);
  });

  items.unshift(["lxc.autodev", autodev ? "1" : "0"], ["lxc.mount.auto", autoMounts.join(" ")]);
  return { items, mountpoints };
}
