// File descriptors: pipes and socket pairs (close-on-exec), closing, fd
// flags, and reading what is there without blocking. Bun's fs functions work
// on these fds too; these are what it lacks.
import { ptr } from "./natives.ts";
import { errno, errnoMessage, sys, trySys } from "./libc.ts";
import {
  AF_UNIX,
  EAGAIN,
  ECONNRESET,
  EINTR,
  EIO,
  FD_CLOEXEC,
  F_DUPFD_CLOEXEC,
  F_GETFD,
  F_GETFL,
  F_SETFD,
  F_SETFL,
  MSG_CMSG_CLOEXEC,
  O_CLOEXEC,
  O_NONBLOCK,
  POLLHUP,
  POLLIN,
  SCM_RIGHTS,
  SOCK_STREAM,
  SOL_SOCKET,
  SYS,
} from "./syscalls.ts";

export function closeFd(fd: number | undefined): void {
  if (fd !== undefined && fd >= 0) trySys(SYS.close, fd);
}

/** [read end, write end], both close-on-exec. */
export function pipe(): [number, number] {
  const fds = new Int32Array(2);
  sys("pipe2", SYS.pipe2, ptr(fds), O_CLOEXEC);
  return [fds[0]!, fds[1]!];
}

/** A connected pair of AF_UNIX stream sockets, both close-on-exec. */
export function socketPair(): [number, number] {
  const fds = new Int32Array(2);
  sys("socketpair", SYS.socketpair, AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0, ptr(fds));
  return [fds[0]!, fds[1]!];
}

export function setCloexec(fd: number, on = true): void {
  const flags = trySys(SYS.fcntl, fd, F_GETFD, 0);
  if (flags >= 0) trySys(SYS.fcntl, fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC);
}

export function setNonBlocking(fd: number, on = true): void {
  const flags = trySys(SYS.fcntl, fd, F_GETFL, 0);
  if (flags >= 0) trySys(SYS.fcntl, fd, F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

/** Whether `fd` is open and inheritable (what a caller passes to a child is; for 0-2 only: Bun marks 4 and up close-on-exec at start). */
export function isInheritable(fd: number): boolean {
  const flags = trySys(SYS.fcntl, fd, F_GETFD, 0);
  return flags >= 0 && !(flags & FD_CLOEXEC);
}

/** Whether `fd` is open. */
export function isOpen(fd: number): boolean {
  return trySys(SYS.fcntl, fd, F_GETFD, 0) >= 0;
}

/** Waits up to `ms` for any of `fds` to be readable or hung up; the ones that are. */
export function pollReadable(fds: number[], ms: number): number[] {
  // loops, not forEach and filter: start polls init's channel, and each array builtin costs a call its first use
  const pfd = new Int32Array(fds.length * 2);
  for (let i = 0; i < fds.length; i++) {
    pfd[i * 2] = fds[i]!;
    pfd[i * 2 + 1] = POLLIN; // events in the low 16 bits; revents (high 16) start at 0
  }
  if (trySys(SYS.poll, ptr(pfd), fds.length, ms) <= 0) return [];
  const ready: number[] = [];
  for (let i = 0; i < fds.length; i++) if ((pfd[i * 2 + 1]! >>> 16) & (POLLIN | POLLHUP | 8) /* POLLERR */) ready.push(fds[i]!);
  return ready;
}

/**
 * The buffer every read below reads into, copying out what it got: these are synchronous, and
 * create's and start's loops call them every turn (a fresh 64 KiB array each time was most of
 * their cost: docs/performance.md, "Issue 23, round 5").
 */
let scratch: Uint8Array | undefined;

/** What can be read from a non-blocking `fd` now, up to about `max` bytes (a 64 KiB read past it at most): bytes, or null at EOF. */
export function readAvailable(fd: number, max = Number.POSITIVE_INFINITY): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  const buf = (scratch ??= new Uint8Array(65536));
  for (let total = 0; total < max; ) {
    const n = trySys(SYS.read, fd, ptr(buf), buf.length);
    if (n < 0) {
      const e = errno(); // EWOULDBLOCK is EAGAIN on Linux
      if (e === EAGAIN) break;
      if (e === EINTR) continue;
      if (e === ECONNRESET) return chunks.length ? concat(chunks) : null;
      throw new Error(`read fd ${fd}: ${errnoMessage(e)}`);
    }
    if (n === 0) return chunks.length ? concat(chunks) : null;
    chunks.push(buf.slice(0, n));
    total += n;
  }
  return concat(chunks);
}

/**
 * readAvailable for a socket whose peer may pass fds (SCM_RIGHTS, a seccomp notify fd): the
 * bytes, or null at EOF; each fd that came along (close-on-exec) goes to `fds`, in order.
 */
export function recvAvailable(fd: number, max: number, fds: number[]): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  const buf = (scratch ??= new Uint8Array(65536));
  const control = new Uint8Array(64);
  const iov = new BigUint64Array([BigInt(ptr(buf)), BigInt(buf.length)]);
  const msg = new BigUint64Array(7); // struct msghdr
  for (let total = 0; total < max; ) {
    msg.fill(0n);
    msg[2] = BigInt(ptr(iov));
    msg[3] = 1n;
    msg[4] = BigInt(ptr(control));
    msg[5] = BigInt(control.length);
    const n = trySys(SYS.recvmsg, fd, ptr(msg), MSG_CMSG_CLOEXEC);
    if (n < 0) {
      const e = errno();
      if (e === EAGAIN) break;
      if (e === EINTR) continue;
      if (e === ECONNRESET) return chunks.length ? concat(chunks) : null;
      throw new Error(`recvmsg fd ${fd}: ${errnoMessage(e)}`);
    }
    const v = new DataView(control.buffer);
    const controlLen = Number(msg[5]);
    for (let at = 0; at + 16 <= controlLen; ) {
      const len = Number(v.getBigUint64(at, true));
      if (len < 16) break;
      if (v.getInt32(at + 8, true) === SOL_SOCKET && v.getInt32(at + 12, true) === SCM_RIGHTS)
        for (let i = at + 16; i + 4 <= at + len; i += 4) fds.push(v.getInt32(i, true));
      at += (len + 7) & ~7;
    }
    if (n === 0) return chunks.length ? concat(chunks) : null;
    chunks.push(buf.slice(0, n));
    total += n;
  }
  return concat(chunks);
}

/**
 * One read(2) of up to `max` bytes, retried on EINTR: bytes, null at EOF or when errno is
 * `endOn`, "again" when it is `againOn`; any other errno throws.
 */
function readChunk(fd: number, max: number, endOn: number, againOn?: number): Uint8Array | "again" | null {
  const buf = new Uint8Array(max);
  for (;;) {
    const n = trySys(SYS.read, fd, ptr(buf), buf.length);
    if (n > 0) return buf.subarray(0, n);
    if (n === 0) return null;
    const e = errno();
    if (e === endOn) return null;
    if (e === againOn) return "again";
    if (e !== EINTR) throw new Error(`read fd ${fd}: ${errnoMessage(e)}`);
  }
}

/** One read(2) of up to `max` bytes from a blocking `fd`: bytes, or null at EOF (or a reset peer). */
export function readOnce(fd: number, max = 65536): Uint8Array | null {
  return readChunk(fd, max, ECONNRESET) as Uint8Array | null;
}

/**
 * One read of up to `max` bytes from a non-blocking pty master: bytes, "again" when there
 * is nothing yet, or null at its end (EIO: the last slave fd is closed).
 */
export function readPty(fd: number, max = 65536): Uint8Array | "again" | null {
  return readChunk(fd, max, EIO, EAGAIN);
}

/** One write to a non-blocking fd (a pty master, a socket): the bytes written (0 when it is full), or null once its peer is gone. */
export function writeSome(fd: number, bytes: Uint8Array): number | null {
  for (;;) {
    const n = trySys(SYS.write, fd, ptr(bytes), bytes.length);
    if (n >= 0) return n;
    const e = errno();
    if (e === EAGAIN) return 0;
    if (e !== EINTR) return null;
  }
}

/** One write to a non-blocking pty master (writeSome). */
export const writePty = writeSome;

/** The chunks as one array (Uint8Array, not Buffer: Bun sets Buffer up on first use, docs/performance.md). */
function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  let size = 0;
  for (const c of chunks) size += c.length; // a loop, not reduce: start reads init's frames through this
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Copies (close-on-exec, for the caller to close) of this process's stdin,
 * stdout and stderr, to hand a child at other fd numbers (Bun's spawn cannot
 * pass fds 0-2 anywhere else): each fd the caller gave us (open and
 * inheritable), else null (the child puts /dev/null there). A caller that
 * closed one leaves the number free for the next open — Bun's own fds and
 * files lxcri opens are close-on-exec — and that must never reach a container.
 */
export function callerStdioCopies(): (number | null)[] {
  return [0, 1, 2].map((fd) => (isInheritable(fd) ? trySys(SYS.fcntl, fd, F_DUPFD_CLOEXEC, 10) : null));
}

/** Whether each of fds 0-2 is one the caller gave us (see callerStdioCopies). */
export function callerStdio(): ("inherit" | "ignore")[] {
  return [0, 1, 2].map((fd) => (isInheritable(fd) ? "inherit" : "ignore"));
}
