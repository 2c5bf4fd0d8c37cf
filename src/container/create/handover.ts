// create's last phase: what the caller gets. With process.terminal, init
// opened a pty in the container's own devpts (so the process sees
// /dev/pts/N), made it its stdio and controlling terminal, and parked the
// master at TERMINAL_MASTER_FD; create copies it (pidfd_getfd), sizes it to
// consoleSize and sends it to the caller's console socket, as runc does (or,
// for the library's run, hands it to the caller in this process).
import { connectUnix, sendFd } from "../../../ffi/fd-passing.ts";
import { closeFd } from "../../../ffi/fds.ts";
import { getFd, pidfdClose, pidfdOpen } from "../../../ffi/pidfd.ts";
import { ptyName, setWindowSize } from "../../../ffi/pty.ts";
import { TERMINAL_MASTER_FD } from "../../contract/layout.ts";

/** The pty master, sized to consoleSize: init's copy of it, close-on-exec, the caller's to close. */
export function takeTerminal(init: number, size: { height: number; width: number } | undefined): number {
  const pidfd = pidfdOpen(init);
  if (pidfd < 0) throw new Error(`pidfd_open of init ${init} failed`);
  try {
    const master = getFd(pidfd, TERMINAL_MASTER_FD);
    if (master === null) throw new Error("init has no pty master");
    try {
      if (size) setWindowSize(master, size.height, size.width);
    } catch (e) {
      closeFd(master);
      throw e;
    }
    return master;
  } finally {
    pidfdClose(pidfd);
  }
}

/** The pty master to the caller's console socket (runc's protocol). */
export function handOverTerminal(init: number, size: { height: number; width: number } | undefined, consoleSocket: string): void {
  const master = takeTerminal(init, size);
  try {
    const sock = connectUnix(consoleSocket);
    try {
      sendFd(sock, master, ptyName(master));
    } finally {
      closeFd(sock);
    }
  } finally {
    closeFd(master);
  }
}
