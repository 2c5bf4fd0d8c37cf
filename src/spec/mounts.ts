// mounts checked into Mount[]: destinations that stay in the rootfs, a source
// for every bind mount, nothing but a procfs on /proc and only what lxcfs
// emulates below it, id-mapped mounts as idmap.ts takes them, and bind mounts
// in the host's peer group listed before any mount below them. What a
// destination resolves to through the rootfs's symlinks, and whether a bind
// source exists, are the host's: translation checks those (src/lxc/mounts.ts).
import { isAbsolute, normalize } from "../path.ts";
import { configError } from "../errors.ts";
import { MOUNT_OPTIONS_REFUSED } from "./support.ts";
import { arrayOf, type Check, object, opt, req, string, uint32 } from "./check.ts";
import { checkIdmapMount } from "./idmap.ts";
import type { Mount, Spec } from "./types.ts";

const idMapping = object({ containerID: req(uint32), hostID: req(uint32), size: req(uint32) });

/** A path inside the container: absolute, with no way out of the rootfs by "..". */
export const containerPath: Check<string> = (v, p) => {
  const path = string(v, p);
  if (!isAbsolute(path)) throw configError(p, `must be an absolute path, got ${JSON.stringify(path)}`);
  if (path.includes("\0")) throw configError(p, "must not contain NUL");
  if (normalize(path).split("/").includes("..")) throw configError(p, `must not leave the rootfs: ${JSON.stringify(path)}`);
  return path;
};

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

/** runc's recursive mount options: init applies them with mount_setattr(2) and AT_RECURSIVE (src/lxc/mount-attrs.ts). */
export const RECURSIVE_OPTIONS = [
  "rro",
  "rrw",
  "rnosuid",
  "rsuid",
  "rnodev",
  "rdev",
  "rnoexec",
  "rexec",
  "rnodiratime",
  "rdiratime",
  "rrelatime",
  "rnorelatime",
  "rnoatime",
  "ratime",
  "rstrictatime",
  "rnostrictatime",
  "rnosymfollow",
  "rsymfollow",
] as const;
export type RecursiveOption = (typeof RECURSIVE_OPTIONS)[number];

/** A bind mount's own flags, which the start-host hook sets with mount_setattr(2) on a shared bind mount's clone (src/lxc/mount-attrs.ts). */
export const SHARED_BIND_FLAGS = [
  "ro",
  "rw",
  "nosuid",
  "suid",
  "nodev",
  "dev",
  "noexec",
  "exec",
  "nodiratime",
  "diratime",
  "relatime",
  "norelatime",
  "noatime",
  "atime",
  "strictatime",
  "nostrictatime",
  "nosymfollow",
  "symfollow",
] as const;
export type SharedBindFlag = (typeof SHARED_BIND_FLAGS)[number];

/** Whether a mount's options ask for shared propagation. */
export function wantsShared(options: readonly string[]): boolean {
  return options.includes("shared") || options.includes("rshared");
}

/** Whether `m` is a bind mount (by its type or its options). */
function isBind(m: Mount): boolean {
  return m.type === "bind" || !!m.options?.includes("bind") || !!m.options?.includes("rbind");
}

/**
 * Why `m` must not be mounted at `dest` (normalized), if it must not: nothing
 * but a procfs goes on /proc, and nothing on what is below it but a few files
 * lxcfs emulates. liblxc writes sysctls and oom_score_adj through the
 * container's /proc after the mount entries, and a mount there would redirect
 * those writes to what the config brought (the CVE-2025-52881 class).
 */
export function procMountProblem(dest: string, m: Mount, bind: boolean): string | undefined {
  if (dest === "/proc") {
    if (m.type === "proc" && !bind) return undefined;
    if (bind && m.source === "/proc") return undefined;
    return "only a procfs may be mounted on /proc";
  }
  if (dest.startsWith("/proc/") && !PROC_MOUNTS_ALLOWED.has(dest))
    return `${dest}: mounts below /proc are refused (except ${[...PROC_MOUNTS_ALLOWED].join(", ")})`;
  return undefined;
}

const shape = object({
  destination: req(containerPath),
  type: opt(string),
  source: opt(string),
  options: opt(arrayOf(string)),
  uidMappings: opt(arrayOf(idMapping)),
  gidMappings: opt(arrayOf(idMapping)),
});

/**
 * "tmpcopyup" (podman's --tmpfs): init copies the image's files at the destination into the
 * tmpfs (ffi/native/copyup.c): a tmpfs, not on "/".
 */
function checkCopyUp(m: Mount, at: string): void {
  if (m.type !== "tmpfs") throw configError(at, `"tmpcopyup" applies to a tmpfs mount only, not type ${JSON.stringify(m.type ?? "")}`);
  if (normalize(m.destination) === "/") throw configError(at, '"tmpcopyup" on "/" is not supported');
}

/** One entry of mounts at `p` ("mounts[i]"). */
export const mount: Check<Mount> = (v, p) => {
  const m: Mount = shape(v, p);
  checkIdmapMount(m, isBind(m), p);
  m.options?.forEach((o, i) => {
    if (o === "tmpcopyup") checkCopyUp(m, `${p}.options[${i}]`);
    if (Object.hasOwn(MOUNT_OPTIONS_REFUSED, o))
      throw configError(
        `${p}.options[${i}]`,
        `"${o}" is not supported (${MOUNT_OPTIONS_REFUSED[o as keyof typeof MOUNT_OPTIONS_REFUSED]})`,
      );
  });
  const problem = procMountProblem(normalize(m.destination), m, isBind(m));
  if (problem) throw configError(`${p}.destination`, problem);
  if (isBind(m) && !m.source) throw configError(`${p}.source`, "is required for a bind mount");
  return m;
};

/** mounts: each entry. */
export const mounts: Check<Mount[]> = (v, p) => arrayOf(mount)(v, p);

/**
 * Whether a bind mount asking for "shared" or "rshared" is mounted in the host's peer group:
 * where runc's stays one, under linux.rootfsPropagation "shared" or "rshared" (runc sets the
 * root's propagation after its mounts; a recursive slave or private root makes them
 * dependents). src/lxc/mounts.ts mounts those from the host.
 */
export function keepsHostPeers(spec: Spec): boolean {
  const root = spec.linux?.rootfsPropagation;
  return root === "shared" || root === "rshared";
}

/**
 * Where bind mounts are the host's peers (keepsHostPeers), none at or below the destination
 * of an earlier one: the host's clone of its source is stacked on it after all other mounts
 * (by the start-host hook), so it would hide them.
 */
export function sharedBindRules(spec: Spec): void {
  if (!keepsHostPeers(spec)) return;
  const p = "mounts";
  const list = spec.mounts ?? [];
  const shared: { dest: string; index: number }[] = [];
  list.forEach((m, i) => {
    const dest = normalize(m.destination);
    const above = shared.find((s) => dest === s.dest || dest.startsWith(`${s.dest === "/" ? "" : s.dest}/`));
    if (above)
      throw configError(
        `${p}[${i}].destination`,
        `is at or below ${p}[${above.index}].destination ${JSON.stringify(above.dest)}, a bind mount with shared propagation, whose clone from the host is mounted on top after all other mounts: list it first`,
      );
    if (isBind(m) && wantsShared(m.options ?? [])) shared.push({ dest, index: i });
  });
}
