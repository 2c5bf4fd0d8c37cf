// process.terminal: the pty comes from the container's own devpts (its slave
// is /dev/pts/N inside, as with runc). The slave becomes init's stdio and
// controlling terminal now, at create, so the caller reading the master never
// sees a pty without a slave; the master waits at TERMINAL_MASTER_FD
// (close-on-exec) for create to copy it with pidfd_getfd. As runc does, the
// slave is also bound onto /dev/console (made when /dev has none).
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { closeFd, parkFd } from "../ffi/fd-passing.ts";
import { openPty, takeTerminal } from "../ffi/pty.ts";
import { TERMINAL_MASTER_FD } from "../src/contract/messages.ts";
import { bindFile } from "./mounts.ts";

export function openTerminal(): void {
  const pty = openPty("/dev/pts/ptmx");
  try {
    // made only on a /dev of its own (the spec's tmpfs), never in the image's files
    if (!existsSync("/dev/console") && devIsMounted()) closeSync(openSync("/dev/console", "a", 0o600));
    bindFile(pty.name, "/dev/console");
  } catch {
    /* a read-only /dev: the process still has its terminal as stdio */
  }
  takeTerminal(pty.slave);
  closeFd(pty.slave);
  parkFd(pty.master, TERMINAL_MASTER_FD);
}

function devIsMounted(): boolean {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[4] === "/dev");
}
