// Opening a host file a config names for appending (crun's run.oci.hooks.stdout
// and .stderr): root opens it, so no symlink anywhere on the path (a directory
// a container can write to could hold one, swapped in at any time), no magic
// link, no device, FIFO or socket (O_NONBLOCK, so a FIFO cannot hold us up
// before the check) — a regular file, made 0600 when absent.
import { ptr } from "./natives.ts";
import { closeFd } from "./fds.ts";
import { cs, fstat } from "./files.ts";
import { errno, errnoMessage, trySys } from "./libc.ts";
import {
  ELOOP,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_NOCTTY,
  O_NOFOLLOW,
  O_NONBLOCK,
  O_WRONLY,
  RESOLVE_NO_MAGICLINKS,
  RESOLVE_NO_SYMLINKS,
  SYS,
} from "./syscalls.ts";

/** An fd appending to the regular file `path` (absolute), made with `mode` when absent. */
export function openAppendNoSymlinks(path: string, mode = 0o600): number {
  const flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
  const how = new BigUint64Array([BigInt(flags), BigInt(mode), BigInt(RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)]);
  const name = cs(path);
  const fd = trySys(SYS.openat2, -100 /* AT_FDCWD */, ptr(name), ptr(how), 24);
  if (fd < 0)
    throw new Error(
      `open '${path}': ${errnoMessage()}${errno() === ELOOP ? " (a symlink on the path: name the file by its real path)" : ""}`,
    );
  const type = fstat(fd, path).type;
  if (type !== "file") {
    closeFd(fd);
    throw new Error(`'${path}' is a ${type}, not a regular file`);
  }
  return fd;
}
