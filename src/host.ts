// Facts about the host that translation needs, read once per process.
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { configError, LxcriError } from "./errors.ts";
import type { CgroupLayout } from "./lxc/devices.ts";
import { libc } from "../ffi/libc.ts";
import { cgroupMounts } from "./cgroups.ts";
import { RLIMITS } from "./spec/rlimits.ts";
import type { CgroupHierarchy, PathKind } from "./lxc/mounts.ts";
import type { LauncherFiles } from "./lxc/translate.ts";

/** "v2" when /sys/fs/cgroup is a pure cgroup2 mount; "v1" for legacy and hybrid hosts. */
export function cgroupLayout(): CgroupLayout {
  const mounts = readFileSync("/proc/self/mounts", "utf8");
  return /^\S+ \/sys\/fs\/cgroup cgroup2 /m.test(mounts) ? "v2" : "v1";
}

/** The host's v1 hierarchies (and a hybrid host's cgroup2) under /sys/fs/cgroup; empty on a pure v2 host. */
export function cgroupHierarchies(): CgroupHierarchy[] {
  const mounts = cgroupMounts();
  if (mounts.some((m) => m.mountpoint === "/sys/fs/cgroup")) return [];
  return mounts
    .filter((m) => /^\/sys\/fs\/cgroup\/[^/]+$/.test(m.mountpoint))
    .map((m) => ({
      name: m.mountpoint.slice("/sys/fs/cgroup/".length),
      fstype: m.key === "0:" ? "cgroup2" : "cgroup",
      options: m.key.startsWith("name=") ? `none,${m.key}` : m.key,
    }));
}

export function statKind(path: string): PathKind {
  try {
    const st = statSync(path);
    return st.isDirectory() ? "dir" : st.isFIFO() || st.isSocket() ? "fifo" : "file";
  } catch {
    return "missing";
  }
}

// The launcher is a Bun executable: it needs the dynamic loader and these
// libraries; libseccomp (a liblxc dependency) to load seccomp filters.
const LAUNCHER_LIBS = ["libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "libseccomp.so.2"];

/** The launcher binary: $LXCRI_LAUNCHER, else next to the lxcri executable, else build/ of this checkout. */
export function launcherBinary(): string {
  const candidates = [
    process.env.LXCRI_LAUNCHER,
    Bun.isStandaloneExecutable ? join(dirname(process.execPath), "lxcri-launcher") : undefined,
    join(import.meta.dir, "..", "build", "lxcri-launcher"),
  ].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new LxcriError("runtime", `launcher not found (looked at ${candidates.join(", ")}): run "bun run build"`);
  return found;
}

let cachedLauncher: LauncherFiles | undefined;

/** The launcher and the loader and libraries of this very process (the same glibc Bun runs on). */
export function launcherFiles(): LauncherFiles {
  if (cachedLauncher) return cachedLauncher;
  const maps = readFileSync("/proc/self/maps", "utf8");
  const mapped = (name: string) => maps.match(new RegExp(`(/\\S*/${name.replace(/\./g, "\\.")})$`, "m"))?.[1];
  const loader = mapped("ld-linux-x86-64.so.2");
  const libc = mapped("libc.so.6");
  if (!loader || !libc) throw new LxcriError("runtime", "cannot find the host's glibc loader and libc.so.6 in /proc/self/maps");
  const libs = LAUNCHER_LIBS.map((l) => join(dirname(libc), l)).filter((p) => existsSync(p));
  const binary = launcherBinary();
  // The launcher's exec step prebuilt by scripts/build.ts, if there is one: it then needs no cc().
  for (const f of readdirSync(dirname(binary))) if (/^lxcri-exec-[0-9a-f]+\.so$/.test(f)) libs.push(join(dirname(binary), f));
  cachedLauncher = { binary, loader, libs };
  return cachedLauncher;
}

/** This process's hard rlimits by RLIMIT_* name (Infinity for unlimited). */
export function hardRlimits(): Record<string, number> {
  const out: Record<string, number> = {};
  const buf = new BigUint64Array(2);
  for (const [name, resource] of Object.entries(RLIMITS)) {
    if (libc.getrlimit(resource, buf) !== 0) continue;
    out[name] = buf[1] === 0xffffffffffffffffn ? Infinity : Number(buf[1]);
  }
  return out;
}

const CLONE_FLAGS: Record<string, number> = {
  mount: 0x00020000,
  cgroup: 0x02000000,
  uts: 0x04000000,
  ipc: 0x08000000,
  user: 0x10000000,
  pid: 0x20000000,
  network: 0x40000000,
  time: 0x00000080,
};
const SYS_ioctl = 16;
const NS_GET_NSTYPE = 0xb703;

/** Whether `path` is the same namespace as this process's or pid 1's of that type (the host's, for our purposes). */
function isHostNamespace(path: string, procName: string): boolean {
  const target = statSync(path);
  return [`/proc/self/ns/${procName}`, `/proc/1/ns/${procName}`].some((p) => {
    try {
      const st = statSync(p);
      return st.ino === target.ino && st.dev === target.dev;
    } catch {
      return false;
    }
  });
}

/**
 * Checks that each namespace path is a namespace of its type (config-linux.md:
 * MUST error otherwise), and refuses joins that would change the host: its
 * mount namespace (liblxc pivots the container's root in the one it joins) and,
 * with a hostname or domainname to set, its uts namespace.
 */
export function checkNamespacePaths(namespaces: { type: string; path?: string }[], opts: { setsUtsNames?: boolean } = {}): void {
  namespaces.forEach((ns, i) => {
    if (!ns.path) return;
    const at = `linux.namespaces[${i}].path`;
    let fd: number;
    try {
      fd = openSync(ns.path, "r");
    } catch (e) {
      throw configError(at, `cannot open ${ns.path}: ${(e as NodeJS.ErrnoException).code}`);
    }
    try {
      const type = Number(libc.syscall(SYS_ioctl, fd, NS_GET_NSTYPE, 0, 0, 0));
      if (type !== CLONE_FLAGS[ns.type]) throw configError(at, `${ns.path} is not a ${ns.type} namespace`);
      if (ns.type === "mount" && isHostNamespace(ns.path, "mnt"))
        throw configError(at, `${ns.path} is the runtime's or the host's mount namespace: LXC would pivot the host's root there`);
      if (ns.type === "uts" && opts.setsUtsNames && isHostNamespace(ns.path, "uts"))
        throw configError(
          at,
          `${ns.path} is the runtime's or the host's uts namespace: setting hostname or domainname there would change the host's`,
        );
    } finally {
      closeSync(fd);
    }
  });
}

/**
 * A path inside the rootfs with every symlink resolved as the container will
 * see it: absolute targets start again at the rootfs, ".." stops at its root,
 * at most 40 links. The result never leaves the rootfs, so a destination like
 * /escape/x with escape -> /etc becomes /etc/x *inside* the rootfs. liblxc
 * refuses symlinks in mount targets, and following them on the host could
 * leave the rootfs.
 */
export function resolveInRootfs(rootfs: string, path: string): string {
  const parts = path.split("/").filter(Boolean);
  const done: string[] = [];
  let links = 0;
  while (parts.length) {
    const part = parts.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    const host = join(rootfs, ...done, part);
    let target: string | undefined;
    try {
      if (lstatSync(host).isSymbolicLink()) target = readlinkSync(host);
    } catch {
      /* missing: liblxc creates it, below the part resolved so far */
    }
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++links > 40) throw new LxcriError("invalid-config", `${path}: too many levels of symbolic links in the rootfs`);
    if (target.startsWith("/")) done.length = 0;
    parts.unshift(...target.split("/").filter(Boolean));
  }
  return "/" + done.join("/");
}
