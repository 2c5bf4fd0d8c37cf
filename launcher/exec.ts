// Process attributes the launcher sets before it becomes the user process
// (ffi/exec.c does the rest, then execve(2): the pid stays, so the user
// process is the container's init).
import { readFileSync } from "node:fs";
import { F_GETFL, F_SETFL, libc, O_NONBLOCK } from "../ffi/libc.ts";

export function setUmask(mask: number): void {
  libc.umask(mask);
}

/** Undoes what Bun changed that a new process would inherit: O_NONBLOCK on shared stdio, ignored signals. */
export function resetInherited(): void {
  for (let fd = 0; fd <= 2; fd++) {
    const fl = libc.fcntl(fd, F_GETFL, 0);
    if (fl >= 0 && fl & O_NONBLOCK) libc.fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  }
  // Bun ignores SIGPIPE and SIGXFSZ (and more, as pid 1): ignored signals survive execve.
  for (let sig = 1; sig < 32; sig++) if (sig !== 9 && sig !== 19) libc.signal(sig, null);
}

export function lastCap(): number {
  try {
    return Number(readFileSync("/proc/sys/kernel/cap_last_cap", "utf8"));
  } catch {
    return 40;
  }
}
