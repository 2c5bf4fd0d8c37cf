// pidfds (Linux ≥ 5.3): waiting for a process that is not our child to exit
// without polling /proc on a timer (a pidfd becomes readable when it exits),
// and copying an fd another process parked for us (pidfd_getfd, ≥ 5.6).
import { closeSync } from "node:fs";
import { errno, errnoMessage, libc, POLLIN } from "./libc.ts";

const SYS_pidfd_open = 434;
const SYS_pidfd_getfd = 438;
const EBADF = 9;

/** A pidfd for `pid`, or -1 (no such process, or a kernel without pidfd_open). */
export function pidfdOpen(pid: number): number {
  return Number(libc.syscall(SYS_pidfd_open, pid, 0, 0, 0, 0));
}

/** Blocks up to `ms` for the process to exit; true when it has. */
export function pidfdWait(fd: number, ms: number): boolean {
  const pfd = new Int32Array([fd, POLLIN]);
  return libc.poll(pfd, 1n, ms) > 0;
}

export function pidfdClose(fd: number): void {
  if (fd >= 0) closeSync(fd);
}

/** A copy of fd `target` of the process behind `pidfd`, or null while it has no such fd. */
export function getFd(pidfd: number, target: number): number | null {
  const fd = Number(libc.syscall(SYS_pidfd_getfd, pidfd, target, 0, 0, 0, 0));
  if (fd >= 0) return fd;
  if (errno() === EBADF) return null;
  throw new Error(`pidfd_getfd(fd ${target}): ${errnoMessage()}`);
}

/** A copy of fd `target` of process `pid` (pidfd_getfd), waiting up to `timeoutMs` for it to appear. */
export async function takeFd(pid: number, target: number, timeoutMs: number): Promise<number> {
  const pidfd = pidfdOpen(pid);
  if (pidfd < 0) throw new Error(`pidfd_open(${pid}): ${errnoMessage()}`);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fd = getFd(pidfd, target);
      if (fd !== null) return fd;
      if (Date.now() > deadline) throw new Error(`pid ${pid} has no fd ${target} after ${timeoutMs} ms`);
      await Bun.sleep(1);
    }
  } finally {
    pidfdClose(pidfd);
  }
}
