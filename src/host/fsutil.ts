// Small filesystem helpers: atomic writes and per-container locks, over
// ffi/files.ts (no node:fs: start, kill and delete load this file).
import { lockFile, rename, unlinkIfExists, writeNew } from "../../ffi/files.ts";

export { lockFile };

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
