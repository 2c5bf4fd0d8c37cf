// linux.seccomp.listenerPath (runtime-spec config-linux.md "Seccomp"): the
// notify fd of each process confined with SCMP_ACT_NOTIFY rules — the
// container's process at start, each exec'd one — goes to the seccomp agent
// listening there, in one message with the container process state (JSON:
// ociVersion, fds ["seccompFd"], pid, metadata, state), as runc sends it. The
// fd came from the process over its status socket (ffi/native/confine.c); it
// is passed on only if it is a seccomp notify fd, and closed here after.
import { readLink } from "../host/fs.ts";
import { connectUnix, sendFd } from "../../ffi/fd-passing.ts";
import { closeFd } from "../../ffi/fds.ts";
import type { Seccomp, State } from "../spec/types.ts";

/** Hands `fd` (closed either way) and the state of process `pid` to the agent at seccomp.listenerPath. */
export function sendToAgent(seccomp: Seccomp | undefined, state: State, pid: number, fd: number): void {
  try {
    const what = readLink(`/proc/self/fd/${fd}`);
    if (what !== "anon_inode:seccomp notify") throw new Error(`the process passed ${what}, not a seccomp notify fd`);
    if (!seccomp?.listenerPath) throw new Error("a seccomp notify fd, but linux.seccomp has no listenerPath");
    const message = {
      ociVersion: state.ociVersion,
      fds: ["seccompFd"],
      pid,
      ...(seccomp.listenerMetadata ? { metadata: seccomp.listenerMetadata } : {}),
      state,
    };
    let sock = -1;
    try {
      sock = connectUnix(seccomp.listenerPath);
      sendFd(sock, fd, JSON.stringify(message));
    } catch (e) {
      throw new Error(`linux.seccomp.listenerPath: ${(e as Error).message}`);
    } finally {
      closeFd(sock === -1 ? undefined : sock);
    }
  } finally {
    closeFd(fd);
  }
}
