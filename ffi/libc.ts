// The few libc calls lxcri needs that Bun does not offer. libc is already
// loaded into every process, but bun:ffi builds a wrapper per symbol: the
// dlopen happens on first use, so commands that never call libc (`state`,
// `--version`) do not pay for it.
import { dlopen, FFIType, ptr as ptrOf, read } from "bun:ffi";
import { ECHILD, EINTR, PR_GET_CHILD_SUBREAPER, PR_SET_CHILD_SUBREAPER, SYS, WNOHANG } from "./syscalls.ts";

const { i32, ptr, cstring, u64, i64 } = FFIType;

const open = () =>
  dlopen("libc.so.6", {
    __errno_location: { args: [], returns: ptr },
    strerror: { args: [i32], returns: cstring },
    flock: { args: [i32, i32], returns: i32 },
    poll: { args: [ptr, u64, i32], returns: i32 },
    waitpid: { args: [i32, ptr, i32], returns: i32 },
    fcntl: { args: [i32, i32, i64], returns: i32 },
    getrlimit: { args: [i32, ptr], returns: i32 },
    syscall: { args: [i64, i64, i64, i64, i64, i64], returns: i64 },
  }).symbols;

type Libc = ReturnType<typeof open>;
let loaded: Libc | undefined;
export const libc: Libc = new Proxy({} as Libc, { get: (_, name) => (loaded ??= open())[name as keyof Libc] });

export function errno(): number {
  return read.i32(libc.__errno_location()!, 0);
}

export function strerror(e: number): string {
  return String(libc.strerror(e));
}

export function errnoMessage(e = errno()): string {
  return `${strerror(e)} (errno ${e})`;
}

type Arg = number | bigint | null;

/**
 * A raw system call that must succeed: its result, retried on EINTR; any other
 * failure throws `what: <strerror> (errno N)`. Pointers are passed as ptr() numbers.
 */
export function sys(what: string, nr: number, ...args: Arg[]): number {
  for (;;) {
    const r = trySys(nr, ...args);
    if (r >= 0) return r;
    if (errno() !== EINTR) throw new Error(`${what}: ${errnoMessage()}`);
  }
}

/** A raw system call whose failure the caller handles: its result, -1 with errno set. */
export function trySys(nr: number, ...args: Arg[]): number {
  const a = [...args, 0, 0, 0, 0, 0].slice(0, 5) as [number, number, number, number, number];
  return Number(libc.syscall(nr, ...a));
}

/** Wait status to a shell-style exit code (128+signal for a signal). */
export function exitCodeOf(status: number): number {
  const sig = status & 0x7f;
  return sig ? 128 + sig : (status >> 8) & 0xff;
}

/**
 * Reaps our child `pid` without blocking: its exit code, null while it runs,
 * or -1 when it is no longer ours to reap (already reaped).
 */
export function reapChild(pid: number): number | null {
  const st = new Int32Array(1);
  const r = libc.waitpid(pid, st, WNOHANG);
  if (r === pid) return exitCodeOf(st[0]!);
  if (r === 0) return null;
  if (errno() === ECHILD) return -1;
  throw new Error(`waitpid(${pid}): ${errnoMessage()}`);
}

/**
 * PR_SET_CHILD_SUBREAPER on or off (orphaned descendants, such as a container's init, are then
 * re-parented to this process); returns whether it was on before.
 */
export function setSubreaper(on: boolean): boolean {
  const was = new Int32Array(1);
  trySys(SYS.prctl, PR_GET_CHILD_SUBREAPER, ptrOf(was), 0, 0, 0);
  trySys(SYS.prctl, PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0);
  return was[0] !== 0;
}
