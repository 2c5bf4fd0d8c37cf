// Paths in a container's rootfs as seen from the host: what a path is, and
// where a container path lands with the rootfs's symlinks resolved inside it.
import { lstat, readLink, stat } from "./fs.ts";
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
  try {
    const st = lstat(path);
    return st.isDirectory() ? st.mode & 0o7777 : undefined;
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
      if (lstat(host).isSymbolicLink()) target = readLink(host);
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
