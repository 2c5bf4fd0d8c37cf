// The pid contract: once init is ready, create ends liblxc's monitor, so that
// init is re-parented to the caller (conmon, containerd-shim: subreapers),
// which then reaps the container's own exit status — as with runc. liblxc sets
// PR_SET_PDEATHSIG=SIGKILL on init, which would kill it with the monitor: the
// launcher clears that first. When its setup is done it parks an eventfd at
// READY_FD for create to see (pidfd_getfd), right before it blocks until start.
import { libc, sys } from "../ffi/libc.ts";
import { parkFd } from "../ffi/fd-passing.ts";
import { READY_FD } from "../src/contract/messages.ts";

const SYS_prctl = 157;
const PR_SET_PDEATHSIG = 1;
const SYS_eventfd2 = 290;
const EFD_CLOEXEC = 0o2000000;

export function outliveMonitor(): void {
  libc.syscall(SYS_prctl, PR_SET_PDEATHSIG, 0, 0, 0, 0, 0);
}

export function signalReady(): void {
  parkFd(sys("eventfd for the ready signal", SYS_eventfd2, 0, EFD_CLOEXEC), READY_FD);
}
