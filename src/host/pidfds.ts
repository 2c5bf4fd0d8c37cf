// Acting on a process lxcri recorded, through a pidfd, so that a pid the kernel has
// recycled never gets a signal or a setns meant for a container that is gone. A pid
// alone is only a name; the record pairs it with the process's start time, and a
// pidfd opened first and checked second is that process for as long as it is open.
import { pidfdClose, pidfdOpen, pidfdSignal } from "../../ffi/pidfd.ts";
import { isAlive } from "./proc.ts";

/**
 * A pidfd for the process recorded as `pid` started at `startTime`, or undefined when that
 * process is gone (or a zombie). Opened before the check: if /proc then shows the recorded
 * start time, the pid was ours all along (our process started before the open, and a pid is
 * never given back to a process that already had it), so the pidfd is ours too.
 */
export function openRecorded(pid: number | undefined, startTime: number | undefined): number | undefined {
  if (!pid || pid <= 0 || startTime === undefined) return undefined;
  const fd = pidfdOpen(pid);
  if (fd < 0) return undefined;
  if (isAlive(pid, startTime)) return fd;
  pidfdClose(fd);
  return undefined;
}

/** Signals the recorded process; false when it is gone (nothing was signalled). */
export function signalRecorded(pid: number | undefined, startTime: number | undefined, signal: number): boolean {
  const fd = openRecorded(pid, startTime);
  if (fd === undefined) return false;
  try {
    return pidfdSignal(fd, signal);
  } finally {
    pidfdClose(fd);
  }
}

/**
 * Signals each of `pids` (read from a cgroup.procs) through a pidfd, but only while `belongs`
 * still says the process is where the pid was read: a pid that exited and was given to another
 * process between the read and the pidfd is left alone. The number signalled.
 */
export function signalEach(pids: number[], signal: number, belongs: (pid: number) => boolean): number {
  let n = 0;
  for (const pid of pids) {
    const fd = pidfdOpen(pid);
    if (fd < 0) continue;
    try {
      if (belongs(pid) && pidfdSignal(fd, signal)) n++;
    } finally {
      pidfdClose(fd);
    }
  }
  return n;
}
