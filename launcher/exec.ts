// The last step of the launcher: become the user process. Bun leaves traces a
// new process must not inherit: ignored SIGPIPE/SIGXFSZ and O_NONBLOCK on
// shared stdio. execve(2) itself keeps the pid, so the user process is init.
import type { Pointer } from "bun:ffi";
import { cstringArray } from "../ffi/cstr.ts";
import { errnoMessage, F_GETFL, F_SETFL, libc, O_NONBLOCK } from "../ffi/libc.ts";

export function setRlimit(resource: number, soft: number, hard: number): void {
  const lim = new BigUint64Array([toRlim(soft), toRlim(hard)]);
  if (libc.setrlimit(resource, lim) !== 0) throw new Error(`setrlimit(${resource}, ${soft}, ${hard}): ${errnoMessage()}`);
}

function toRlim(n: number): bigint {
  return n >= 2 ** 53 - 1 ? 0xffffffffffffffffn : BigInt(n);
}

export function setUmask(mask: number): void {
  libc.umask(mask);
}

/** Resets what Bun changed, then execve(). Returns only on failure, with the reason. */
export function execProcess(path: string, argv: string[], env: string[]): string {
  for (let fd = 0; fd <= 2; fd++) {
    const fl = libc.fcntl(fd, F_GETFL, 0);
    if (fl >= 0 && fl & O_NONBLOCK) libc.fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  }
  // Bun ignores SIGPIPE and SIGXFSZ (and more, as pid 1): ignored signals survive execve.
  for (let sig = 1; sig < 32; sig++) if (sig !== 9 && sig !== 19) libc.signal(sig, null);
  const a = cstringArray(argv);
  const e = cstringArray(env);
  libc.execve(Buffer.from(path + "\0"), a.pointer as Pointer, e.pointer as Pointer);
  const reason = errnoMessage();
  void a.keepAlive, e.keepAlive;
  return reason;
}
