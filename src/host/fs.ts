// The one way src/ reaches the file system: synchronous calls over raw system
// calls (ffi/files.ts), which cost no node:fs import (docs/performance.md,
// "What start-up costs"), worded as node:fs words its errors (`code`
// "ENOENT", …); atomic writes and per-container locks on top. A cold path
// that needs what this has not (a terminal's async reads, a temporary
// directory) says so where it imports node:fs.
import { openFile, rename, tryExchange, unlinkIfExists, writeNew } from "../../ffi/files.ts";
import { O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY } from "../../ffi/syscalls.ts";

export {
  appendFile,
  chmod,
  type DirEntry,
  errnoName,
  exists,
  type FileType,
  fstat,
  inodeOf,
  lockFile,
  lstat,
  makeDir,
  makeDirs,
  openFile,
  readFd,
  readDir,
  readFile,
  readLink,
  readRegularFile,
  readText,
  realPath,
  rename,
  type Stat,
  stat,
  SysError,
  tryReadText,
  tryLstat,
  tryRemoveDir,
  unlinkIfExists,
  writeAll,
  writeExisting,
  writeFile,
  writeNew,
} from "../../ffi/files.ts";

/**
 * Writes `data` to `file` through a temp file in the same directory and
 * rename(2): a reader sees the old content or the new, never a part. No
 * fsync: the runtime's state lives in /run, which does not outlive a reboot
 * (the pid-file and record would be stale after one anyway), and an fsync on
 * a disk-backed /run costs milliseconds per write.
 */
export function writeAtomic(file: string, data: string | Uint8Array, mode = 0o600): void {
  const slash = file.lastIndexOf("/");
  const tmp = `${file.slice(0, slash + 1)}.${file.slice(slash + 1)}.${process.pid}.tmp`;
  try {
    writeNew(tmp, data, mode);
    rename(tmp, file);
  } catch (e) {
    unlinkIfExists(tmp);
    throw e;
  }
}

/**
 * writeAtomic for a file of the runtime's own (the record, in a root-only runtime directory, always a
 * regular file of ours): the temp file is exchanged with the old version (renameat2 RENAME_EXCHANGE),
 * which then goes. A reader still sees the old content or the new. Why not a rename: ext4
 * (auto_da_alloc) writes the new file's blocks out when a rename replaces a file, 0.2–1.5 ms on this
 * disk-backed /run, and create and start replace the record five times; an exchange replaces
 * nothing (docs/performance.md, "Issue 23, round 5"). The first write, or a filesystem that cannot
 * exchange, renames as writeAtomic does.
 */
export function replaceOwnFile(file: string, data: string | Uint8Array, mode = 0o600): void {
  const slash = file.lastIndexOf("/");
  const tmp = `${file.slice(0, slash + 1)}.${file.slice(slash + 1)}.${process.pid}.tmp`;
  try {
    writeNew(tmp, data, mode);
    if (!tryExchange(tmp, file)) rename(tmp, file);
  } finally {
    unlinkIfExists(tmp); // after an exchange, the old version
  }
}

/** As node's openSync(path, "r") or (path, "w"): read only, or created or truncated for writing; close-on-exec. */
export const openPath = (path: string, how: "r" | "w"): number =>
  how === "r" ? openFile(path, O_RDONLY) : openFile(path, O_WRONLY | O_CREAT | O_TRUNC, 0o666);
