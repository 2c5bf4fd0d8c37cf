// rm -rf of a directory lxcri owns (a runtime directory), never following a
// symlink: each directory is opened with O_NOFOLLOW relative to its parent's
// fd and its entries are removed relative to it, so a symlink found (or
// swapped in) anywhere is removed itself, never what it points to. Without
// node:fs, whose import `delete` need not pay (docs/performance.md, "What start-up costs").
import { ptr } from "./natives.ts";
import { closeFd } from "./fds.ts";
import { callOn, cs, readDirFd, SysError } from "./files.ts";
import { errno, trySys } from "./libc.ts";
import { AT_FDCWD, AT_REMOVEDIR, EISDIR, ENOENT, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_RDONLY, SYS } from "./syscalls.ts";

/** Removes `name` (relative to the directory fd `at`) and everything below it; already gone is no error. */
function removeAt(at: number, name: string, what: string): void {
  const n = cs(name);
  // A file or a symlink goes at once; unlink(2) of a directory is EISDIR.
  if (trySys(SYS.unlinkat, at, ptr(n), 0) === 0) return;
  if (errno() === ENOENT) return;
  if (errno() !== EISDIR) throw new SysError(errno(), callOn("unlink", what));
  const fd = trySys(SYS.openat, at, ptr(n), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno() === ENOENT) return;
    throw new SysError(errno(), callOn("open", what));
  }
  try {
    for (const e of readDirFd(fd, callOn("scandir", what))) removeAt(fd, e.name, `${what}/${e.name}`);
  } finally {
    closeFd(fd);
  }
  if (trySys(SYS.unlinkat, at, ptr(n), AT_REMOVEDIR) !== 0 && errno() !== ENOENT) throw new SysError(errno(), callOn("rmdir", what));
}

/** Removes `path` and everything below it (rm -rf); a path already gone is no error. */
export function removeTree(path: string): void {
  removeAt(AT_FDCWD, path, path);
}
