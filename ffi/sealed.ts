// What lxcri hands into a container must not be a writable host file
// (CVE-2019-5736): the native helpers are exec'd from a read-only detached
// mount of the installed file — open_tree(2) makes a private clone of it
// that belongs to no mount namespace, so nothing can remount it writable,
// and writes through /proc/<pid>/exe fail with EROFS — and plans travel as
// sealed memfds, which no one can change once written.
import { ptr } from "bun:ffi";
import { sys } from "./libc.ts";
import {
  AT_EMPTY_PATH,
  AT_FDCWD,
  F_ADD_SEALS,
  F_SEAL_GROW,
  F_SEAL_SEAL,
  F_SEAL_SHRINK,
  F_SEAL_WRITE,
  MFD_ALLOW_SEALING,
  MFD_CLOEXEC,
  O_CLOEXEC,
  SYS,
} from "./syscalls.ts";
import { cs, readFile } from "./files.ts";

const OPEN_TREE_CLONE = 1;
const MOUNT_ATTR_RDONLY = 1;
const MOUNT_ATTR_NOSUID = 2;
const MOUNT_ATTR_NODEV = 4;

/** A detached mount of `path` alone (close-on-exec) with the MOUNT_ATTR_* flags `set`. */
function detachedMount(path: string, set: number): number {
  const p = cs(path);
  const fd = sys(`open_tree ${path}`, SYS.open_tree, AT_FDCWD, ptr(p), OPEN_TREE_CLONE | O_CLOEXEC);
  const attr = new BigUint64Array([BigInt(set), 0n, 0n, 0n]);
  const empty = cs("");
  sys(`mount_setattr ${path}`, SYS.mount_setattr, fd, ptr(empty), AT_EMPTY_PATH, ptr(attr), 32);
  return fd;
}

/**
 * An fd (close-on-exec) of `path` on a read-only, nosuid, nodev detached mount: exec it as
 * /proc/self/fd/N. A caller without CAP_SYS_ADMIN (`rootless`: a user on the host) cannot
 * make mounts: it gets a sealed memfd copy instead (runc's way), which no one can write either.
 */
export function sealedExe(path: string, rootless = false): number {
  try {
    return detachedMount(path, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  } catch (e) {
    if (!rootless) throw e;
    return sealedMemfd(path.slice(path.lastIndexOf("/") + 1), readFile(path));
  }
}

/** The host's /dev/null as detachedNull gives it; rootless without CAP_SYS_ADMIN, undefined (init then clones the container's, ffi/native/init.c). */
export function detachedNullOrNone(rootless: boolean): number | undefined {
  try {
    return detachedNull();
  } catch (e) {
    if (!rootless) throw e;
    return undefined;
  }
}

/** The host's /dev/null on a detached mount of its own (read-only, nosuid, usable as a device): what masks are made of. */
export function detachedNull(): number {
  // read-only: a container root with CAP_FOWNER chmodded the host's /dev/null through a masked path (the
  // device itself still reads and writes: a read-only mount refuses changes to the inode, not I/O)
  return detachedMount("/dev/null", MOUNT_ATTR_NOSUID | MOUNT_ATTR_RDONLY);
}

/** A sealed memfd (close-on-exec) holding `data`: it can be read, never changed. */
export function sealedMemfd(name: string, data: Uint8Array): number {
  const n = cs(name);
  const fd = sys("memfd_create", SYS.memfd_create, ptr(n), MFD_CLOEXEC | MFD_ALLOW_SEALING);
  // pwrite: the offset stays at 0, where whoever is given the fd starts reading
  for (let off = 0; off < data.length; ) off += sys("writing a memfd", SYS.pwrite64, fd, ptr(data, off), data.length - off, off);
  sys("sealing a memfd", SYS.fcntl, fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
  return fd;
}
