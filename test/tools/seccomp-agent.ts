// A seccomp agent for tests: listens on the unix socket argv[2], appends each
// message it gets (the container process state runtime-spec sends with the
// notify fd) as a line to argv[3], and answers every notified syscall with
// the errno argv[4] (default 33, EDOM: a text no one else gives). Prints
// "listening" once it is; runs until killed.
import { ptr } from "bun:ffi";
import { appendFileSync } from "node:fs";
import { acceptUnix, listenUnix, receiveFd } from "../../ffi/fd-passing.ts";
import { closeFd, pollReadable } from "../../ffi/fds.ts";
import { trySys } from "../../ffi/libc.ts";
import { SYS } from "../../ffi/syscalls.ts";

const [socketPath, log, errnoArg] = process.argv.slice(2) as [string, string, string | undefined];
const answer = Number(errnoArg ?? 33);
const SECCOMP_IOCTL_NOTIF_RECV = 0xc0502100;
const SECCOMP_IOCTL_NOTIF_SEND = 0xc0182101;

const listening = listenUnix(socketPath);
console.log("listening");
const notifyFds: number[] = [];
for (;;) {
  for (const fd of pollReadable([listening, ...notifyFds], -1)) {
    if (fd === listening) {
      const conn = acceptUnix(listening);
      const { fd: notify, data } = receiveFd(conn);
      closeFd(conn);
      appendFileSync(log, `${data}\n`);
      notifyFds.push(notify);
      continue;
    }
    const req = new Uint8Array(80); // struct seccomp_notif, zeroed as the kernel wants it
    if (trySys(SYS.ioctl, fd, SECCOMP_IOCTL_NOTIF_RECV, ptr(req)) < 0) {
      // the processes under this filter are gone
      notifyFds.splice(notifyFds.indexOf(fd), 1);
      closeFd(fd);
      continue;
    }
    const resp = new Uint8Array(24); // struct seccomp_notif_resp: id, val, error, flags
    const v = new DataView(resp.buffer);
    v.setBigUint64(0, new DataView(req.buffer).getBigUint64(0, true), true);
    v.setInt32(16, -answer, true);
    trySys(SYS.ioctl, fd, SECCOMP_IOCTL_NOTIF_SEND, ptr(resp));
  }
}
