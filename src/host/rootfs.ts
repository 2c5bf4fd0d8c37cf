// Paths in a container's rootfs as seen from the host: what a path is, and
// where a container path lands with the rootfs's symlinks resolved inside it.
import { readLink, stat, tryLstat } from "./fs.ts";
import { join } from "../path.ts";
import { LxcriError } from "../errors.ts";
import type { PathKind } from "../lxc/mounts.ts";

export function statKind(path: string): PathKind {
  try {
    const st = stat(path);
    return st.isDirectory() ? "dir" : st.type === "fifo" || st.type === "socket" ? "fifo" : "file";
  } catch {
    return "missing";
  }
}

/** A directory's permission bits (no symlink followed at the name); undefined for anything else. */
export function dirMode(path: string): number | undefined {
  const st = tryLstat(path);
  return st?.isDirectory() ? st.mode & 0o7777 : undefined;
}

/** The target of the symlink `host`; undefined for anything else, or nothing (missing: liblxc creates it). */
function linkAt(host: string): string | undefined {
  // tryLstat: a missing path is the common case, and an error thrown for each costs more than the call
  if (!tryLstat(host)?.isSymbolicLink()) return undefined;
  try {
    return readLink(host);
  } catch {
    return undefined;
  }
}

/**
 * A path inside the rootfs with every symlink resolved as the container will
 * see it: absolute targets start again at the rootfs, ".." stops at its root,
 * at most 40 links. The result never leaves the rootfs, so a destination like
 * /escape/x with escape -> /etc becomes /etc/x *inside* the rootfs. liblxc
 * refuses symlinks in mount targets, and following them on the host could
 * leave the rootfs. `seen`: what each host path was, kept across one translation's calls (its
 * mounts' destinations share their parents: /dev for each of /dev/pts, /dev/shm, /dev/null, …).
 */
export function resolveInRootfs(rootfs: string, path: string, seen?: Map<string, string | undefined>): string {
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
    const target = seen?.has(host) ? seen.get(host) : linkAt(host);
    seen?.set(host, target);
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
