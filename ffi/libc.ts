// The few libc calls lxcri needs that Bun does not offer. libc is already
// loaded into every process, but bun:ffi compiles a wrapper per symbol
// (~0.6 ms for these): the dlopen happens on first use, so commands that
// never call libc (`state`, `--version`) do not pay for it.
import { dlopen, FFIType, read } from "bun:ffi";

const { i32, u32, ptr, cstring, u64, i64 } = FFIType;

const open = () =>
  dlopen("libc.so.6", {
    __errno_location: { args: [], returns: ptr },
    strerror: { args: [i32], returns: cstring },
    free: { args: [ptr], returns: FFIType.void },
    flock: { args: [i32, i32], returns: i32 },
    mkfifo: { args: [cstring, u32], returns: i32 },
    poll: { args: [ptr, u64, i32], returns: i32 },
    waitpid: { args: [i32, ptr, i32], returns: i32 },
    fcntl: { args: [i32, i32, i64], returns: i32 },
    signal: { args: [i32, ptr], returns: ptr },
    umask: { args: [u32], returns: u32 },
    execve: { args: [cstring, ptr, ptr], returns: i32 },
    getrlimit: { args: [i32, ptr], returns: i32 },
    umount2: { args: [cstring, i32], returns: i32 },
    syscall: { args: [i64, i64, i64, i64, i64, i64], returns: i64 },
  }).symbols;

type Libc = ReturnType<typeof open>;
let loaded: Libc | undefined;
export const libc: Libc = new Proxy({} as Libc, { get: (_, name) => (loaded ??= open())[name as keyof Libc] });

export function errno(): number {
  return read.i32(libc.__errno_location()!, 0);
}

export function errnoMessage(): string {
  const e = errno();
  return `${libc.strerror(e)} (errno ${e})`;
}

const EINTR = 4;
type Arg = number | bigint | null;

/**
 * A raw system call that must succeed: its result, retried on EINTR; any other
 * failure throws `what: <strerror> (errno N)`. Pointers are passed as ptr() numbers.
 */
export function sys(what: string, nr: number, ...args: Arg[]): number {
  const a = [...args, 0, 0, 0, 0, 0].slice(0, 5) as [Arg, Arg, Arg, Arg, Arg];
  for (;;) {
    const r = Number(libc.syscall(nr, ...(a as [number, number, number, number, number])));
    if (r >= 0) return r;
    if (errno() !== EINTR) throw new Error(`${what}: ${errnoMessage()}`);
  }
}

export const LOCK_EX = 2;
export const WNOHANG = 1;
export const F_GETFD = 1;
export const FD_CLOEXEC = 1;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const O_NONBLOCK = 0o4000;
export const POLLIN = 1;
export const POLLHUP = 0x10;

/** Wait status to a shell-style exit code (128+signal for a signal). */
export function exitCodeOf(status: number): number {
  const sig = status & 0x7f;
  return sig ? 128 + sig : (status >> 8) & 0xff;
}

export const ECHILD = 10;

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
export const O_CLOEXEC = 0o2000000;
export const MNT_DETACH = 2;

/** PR_SET_CHILD_SUBREAPER: orphaned descendants (a container's init) are re-parented to this process. */
export function becomeSubreaper(): void {
  libc.syscall(157 /* SYS_prctl */, 36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0, 0);
}
