// Small filesystem helpers: atomic writes and per-container locks.
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { errnoMessage, libc } from "../../ffi/libc.ts";
import { LOCK_EX } from "../../ffi/syscalls.ts";

/**
 * Writes `data` to `file` through a temp file in the same directory and
 * rename(2): a reader sees the old content or the new, never a part. No
 * fsync: the runtime's state lives in /run, which does not outlive a reboot
 * (the pid-file and record would be stale after one anyway), and an fsync on
 * a disk-backed /run costs milliseconds per write.
 */
export function writeAtomic(file: string, data: string, mode = 0o600): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, "wx", mode);
    try {
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** An exclusive flock(2) on `file` (created if missing), held until release(). */
export function lockFile(file: string): { release(): void } {
  const fd = openSync(file, "a", 0o600);
  if (libc.flock(fd, LOCK_EX) !== 0) {
    const msg = errnoMessage();
    closeSync(fd);
    throw new Error(`flock ${file}: ${msg}`);
  }
  return { release: () => closeSync(fd) };
}
