// Waiting for a process that is not our child to exit, without polling
// /proc on a timer: a pidfd (Linux ≥ 5.3) becomes readable when it exits.
import { closeSync } from "node:fs";
import { libc, POLLIN } from "./libc.ts";

const SYS_pidfd_open = 434;

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
