// --pidfd-socket (runc ≥ 1.2, on create, run and exec): the caller's AF_UNIX
// socket gets a pidfd of the container's init or of the exec'd process, as
// runc sends it — one message whose data names the kind of process
// ("standard" for init, "setns" for an exec'd one) with the pidfd as its only
// SCM_RIGHTS fd. runc's process opens the pidfd of itself before it execs;
// lxcri opens it from outside, for a process it can name for certain: init
// checked against its recorded start time, an exec'd process while it is
// lxcri's unreaped child.
import { connectUnix, sendFd } from "../../ffi/fd-passing.ts";
import { closeFd } from "../../ffi/fds.ts";
import { pidfdClose, pidfdOpen } from "../../ffi/pidfd.ts";
import { LxcriError } from "../errors.ts";
import { openRecorded } from "./pidfds.ts";

/** Sends a pidfd of `pid` over the socket at `path`; `startTime` pins a process that is not our child. */
export function sendPidfd(path: string, kind: "standard" | "setns", pid: number, startTime?: number): void {
  const pidfd = startTime === undefined ? pidfdOpen(pid) : (openRecorded(pid, startTime) ?? -1);
  if (pidfd < 0) throw new LxcriError("runtime", `--pidfd-socket ${path}: process ${pid} has exited`);
  try {
    let sock: number;
    try {
      sock = connectUnix(path);
    } catch (e) {
      throw new LxcriError("invalid-argument", `--pidfd-socket ${path}: ${(e as Error).message}`);
    }
    try {
      sendFd(sock, pidfd, kind);
    } finally {
      closeFd(sock);
    }
  } finally {
    pidfdClose(pidfd);
  }
}
