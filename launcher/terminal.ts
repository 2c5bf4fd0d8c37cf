// process.terminal: the pty comes from the container's own devpts (its slave
// is /dev/pts/N inside, as with runc). The slave becomes init's stdio and
// controlling terminal now, at create, so the caller reading the master never
// sees a pty without a slave; the master waits at TERMINAL_MASTER_FD
// (close-on-exec) for create to copy it with pidfd_getfd.
import { closeFd, parkFd } from "../ffi/fd-passing.ts";
import { openPty, takeTerminal } from "../ffi/pty.ts";
import { TERMINAL_MASTER_FD } from "../src/protocol.ts";

export function openTerminal(): void {
  const pty = openPty("/dev/pts/ptmx");
  takeTerminal(pty.slave);
  closeFd(pty.slave);
  parkFd(pty.master, TERMINAL_MASTER_FD);
}
