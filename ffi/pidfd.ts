// pidfds (Linux ≥ 5.3): waiting for a process that is not our child to exit
// without polling /proc on a timer (a pidfd becomes readable when it exits),
// and copying an fd another process parked for us (pidfd_getfd, ≥ 5.6).
import { ptr } from "./natives.ts";
import { closeFd } from "./fds.ts";
import { errno, errnoMessage, trySys } from "./libc.ts";
import { EBADF, POLLIN, SYS } from "./syscalls.ts";

/** A pidfd for `pid`, or -1 (no such process). */
export function pidfdOpen(pid: number): number {
  return trySys(SYS.pidfd_open, pid, 0);
}

/** Sends `signal` to the process behind `fd` (never to a later process with its pid); false once it has exited. */
export function pidfdSignal(fd: number, signal: number): boolean {
  return trySys(SYS.pidfd_send_signal, fd, signal, 0, 0) === 0;
}

/** Blocks up to `ms` for the process to exit; true when it has. */
export function pidfdWait(fd: number, ms: number): boolean {
  const pfd = new Int32Array([fd, POLLIN]);
  return trySys(SYS.poll, ptr(pfd), 1, ms) > 0;
}

export function pidfdClose(fd: number): void {
  closeFd(fd);
}

/** A copy of fd `target` of the process behind `pidfd` (close-on-exec), or null while it has no such fd. */
export function getFd(pidfd: number, target: number): number | null {
  const fd = trySys(SYS.pidfd_getfd, pidfd, target, 0);
  if (fd >= 0) return fd;
  if (errno() === EBADF) return null;
  throw new Error(`pidfd_getfd(fd ${target}): ${errnoMessage()}`);
}
