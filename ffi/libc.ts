// The few libc calls lxcri needs that Bun does not offer. libc is already
// loaded into every process, but bun:ffi builds a wrapper per symbol (docs/performance.md, "What start-up costs"):
// each symbol is bound on its first use,
// so a call pays only for the ones it makes (`start`, `delete` and `state` use
// `syscall` alone: poll(2) and fcntl(2) go through it too), and `--version` for none.
import { dlopen, FFIType, ptr as ptrOf, read } from "bun:ffi";
import { ECHILD, EINTR, PR_GET_CHILD_SUBREAPER, PR_SET_CHILD_SUBREAPER, SYS, WNOHANG } from "./syscalls.ts";

const { i32, ptr, cstring, i64 } = FFIType;

const SIGNATURES = {
  __errno_location: { args: [], returns: ptr },
  strerror: { args: [i32], returns: cstring },
  flock: { args: [i32, i32], returns: i32 },
  waitpid: { args: [i32, ptr, i32], returns: i32 },
  syscall: { args: [i64, i64, i64, i64, i64, i64], returns: i64 },
} as const;

type Libc = ReturnType<typeof dlopen<typeof SIGNATURES>>["symbols"];
type Name = keyof Libc;
const bound: { -readonly [N in Name]?: Libc[N] } = {};
/**
 * `name`, and with the first symbol errno's location in the same dlopen: errno's location is bound
 * before any call (binding it after a failed call could change errno: dlopen may set it), and bun:ffi
 * compiles one wrapper unit per dlopen (TinyCC), so one dlopen for both costs ~0.1 ms less than two
 * (docs/performance.md, "Issue 23, round 7: create").
 */
function bind<N extends Name>(name: N): Libc[N] {
  const first = !bound.__errno_location;
  const want = first ? { __errno_location: SIGNATURES.__errno_location, [name]: SIGNATURES[name] } : { [name]: SIGNATURES[name] };
  const symbols = dlopen("libc.so.6", want as Pick<typeof SIGNATURES, N | "__errno_location">).symbols;
  if (first) bound.__errno_location = symbols.__errno_location as Libc["__errno_location"];
  return symbols[name] as Libc[N];
}
export const libc: Libc = new Proxy({} as Libc, {
  get: (_, name) => (bound[name as Name] ??= bind(name as Name) as never),
});

export function errno(): number {
  return read.i32((errnoLocation ??= libc.__errno_location)()!, 0);
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
    const r = trySys(nr, args[0], args[1], args[2], args[3], args[4]);
    if (r >= 0) return r;
    if (errno() !== EINTR) throw new Error(`${what}: ${errnoMessage()}`);
  }
}

// The two symbols every system call uses, kept out of the Proxy: a short call makes hundreds
// of calls, and each through the Proxy and a rest-argument array cost microseconds more.
let syscall: Libc["syscall"] | undefined;
let errnoLocation: Libc["__errno_location"] | undefined;

/** A raw system call whose failure the caller handles: its result, -1 with errno set. */
export function trySys(nr: number, a: Arg = 0, b: Arg = 0, c: Arg = 0, d: Arg = 0, e: Arg = 0): number {
  return Number((syscall ??= libc.syscall)(nr, a ?? 0, b ?? 0, c ?? 0, d ?? 0, e ?? 0));
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

/** CPU time (user + system, ms) of this process's children that it has reaped: getrusage(RUSAGE_CHILDREN). */
export function childrenCpuMs(): number {
  const ru = new BigInt64Array(18); // struct rusage: ru_utime, ru_stime (timevals), then 14 longs
  trySys(SYS.getrusage, -1 /* RUSAGE_CHILDREN */, ptrOf(ru));
  return Number(ru[0]! + ru[2]!) * 1000 + Number(ru[1]! + ru[3]!) / 1000;
}

/**
 * This process's hard limit of the RLIMIT_* `resource` (2^64 - 1: unlimited), or undefined when the
 * kernel refuses it: prlimit64(2) through `syscall`, bound anyway, rather than a getrlimit wrapper
 * of its own (~0.1 ms of create's CPU each, docs/performance.md, "Issue 23, round 6").
 */
export function hardLimit(resource: number): bigint | undefined {
  const limits = new BigUint64Array(2); // struct rlimit64: soft, hard
  return trySys(SYS.prlimit64, 0, resource, 0, ptrOf(limits)) === 0 ? limits[1] : undefined;
}
