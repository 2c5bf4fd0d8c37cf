// Becoming the user process: the C functions in exec.c apply seccomp, the
// capability sets and the user, then exec, with no JavaScript in between.
// The launcher calls lxcri_exec directly (it is init); `lxcri exec` enters the
// container with lxcri_enter_exec, which runs the same step in the new process.
import { FFIType, ptr } from "bun:ffi";
import { tmpdir } from "node:os";
import source from "./exec.c" with { type: "text" };
import { compileC } from "./compile.ts";
import { cstringArray } from "./cstr.ts";
import { errnoMessage, libc } from "./libc.ts";

const fnPtr = (f: unknown) => (f as { ptr: number }).ptr;

const STEPS = [
  "",
  "loading the seccomp filter",
  "dropping the capability bounding set",
  "setgroups",
  "setresgid",
  "keeping capabilities across setuid",
  "setresuid",
  "capset",
  "raising ambient capabilities",
  "setting rlimits",
  "loading the seccomp filter",
  "exec",
  "personality (linux.personality)",
  "sched_setattr (process.scheduler)",
  "ioprio_set (process.ioPriority)",
  "set_mempolicy (linux.memoryPolicy)",
  "chdir to process.cwd",
  "setting no_new_privs",
  "joining the container's cgroups",
  "joining the container's namespaces",
  "cloning the process",
  "sched_setaffinity (process.execCPUAffinity.initial)",
  "sched_setaffinity (process.execCPUAffinity.final)",
];

/** What a failed step number means. */
export function execStepName(step: number): string {
  return STEPS[step] ?? "exec";
}

/** What ffi/exec.c sets first (see ProcessAttrs in src/lxc/process-attrs.ts; ffi/ does not import src/). */
export interface ExecAttrs {
  personality?: number;
  ioPriority?: number;
  scheduler?: { policy: number; flags: number; nice: number; priority: number; runtime: number; deadline: number; period: number };
  memoryPolicy?: { mode: number; nodes: number[] };
}

/** The attrs block exec.c reads: which are set, then each value; struct sched_attr at word 4, the node mask at word 10. */
export function encodeAttrs(a: ExecAttrs): BigUint64Array {
  const words = new BigUint64Array(26);
  const view = new DataView(words.buffer);
  let set = 0n;
  if (a.personality !== undefined) {
    set |= 1n;
    words[1] = BigInt(a.personality);
  }
  if (a.ioPriority !== undefined) {
    set |= 2n;
    words[2] = BigInt(a.ioPriority);
  }
  const s = a.scheduler;
  if (s) {
    set |= 4n;
    view.setUint32(32, 48, true); // size: SCHED_ATTR_SIZE_VER0
    view.setUint32(36, s.policy, true);
    view.setBigUint64(40, BigInt(s.flags), true);
    view.setInt32(48, s.nice, true);
    view.setUint32(52, s.priority, true);
    view.setBigUint64(56, BigInt(s.runtime), true);
    view.setBigUint64(64, BigInt(s.deadline), true);
    view.setBigUint64(72, BigInt(s.period), true);
  }
  if (a.memoryPolicy) {
    set |= 8n;
    words[3] = BigInt(a.memoryPolicy.mode);
    for (const n of a.memoryPolicy.nodes) words[10 + (n >> 6)]! |= 1n << BigInt(n & 63);
  }
  words[0] = set;
  return words;
}

export interface ExecRequest {
  /** Where to look for the program, in order (a PATH search, done where the process runs). */
  paths: string[];
  argv: string[];
  env: string[];
  user: { uid: number; gid: number; additionalGids: number[] };
  caps: { bounding: number[]; effective: number[]; permitted: number[]; inheritable: number[]; ambient: number[] };
  lastCap: number;
  rlimits: { resource: number; soft: number; hard: number }[];
  attrs: ExecAttrs;
  /** A BPF program with its seccomp(2) flags; `first` when it must be loaded before the capabilities go. */
  seccomp?: { program: Buffer; flags: number; first: boolean };
}

const EXEC_ARGS = [
  FFIType.ptr,
  FFIType.i32,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
  FFIType.ptr,
];

function compile(scratchDir: string) {
  // No headers and no libc.so to link against in a container: libc's functions come in as pointers.
  return compileC("exec", source, scratchDir, ["-nostdinc", "-nostdlib"], {
    lxcri_exec: { args: EXEC_ARGS, returns: FFIType.i32 },
    lxcri_enter_exec: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i64 },
  });
}

/** The request as the C function's arguments, and the buffers that must stay alive until it ran. */
function pack(req: ExecRequest) {
  const bits = (list: number[]) => {
    const w = [0, 0];
    for (const c of list) w[c >> 5]! |= 1 << (c & 31);
    return w.map((x) => x >>> 0);
  };
  const c = req.caps;
  const caps = new Uint32Array([
    ...bits(c.bounding),
    ...bits(c.effective),
    ...bits(c.permitted),
    ...bits(c.inheritable),
    ...bits(c.ambient),
  ]);
  const s = req.seccomp;
  const ids = new Uint32Array([req.user.uid, req.user.gid, req.user.additionalGids.length, req.lastCap, req.rlimits.length, s?.flags ?? 0]);
  const rlim = (n: number) => (n >= 2 ** 53 - 1 ? 0xffffffffffffffffn : BigInt(n));
  const rlimits = new BigUint64Array(req.rlimits.flatMap((r) => [BigInt(r.resource), rlim(r.soft), rlim(r.hard)]).concat([0n]));
  // struct sock_fprog: u16 len (instructions), then the filter pointer at offset 8
  const fprog = new BigUint64Array(2);
  if (s) {
    fprog[0] = BigInt(s.program.length / 8);
    fprog[1] = BigInt(ptr(s.program));
  }
  const groups = new Uint32Array(req.user.additionalGids.length || 1);
  groups.set(req.user.additionalGids);
  const paths = cstringArray(req.paths);
  const argv = cstringArray(req.argv);
  const envp = cstringArray(req.env);
  const attrs = encodeAttrs(req.attrs);
  const args = [
    s ? fprog : null,
    s?.first ? 1 : 0,
    ids,
    groups,
    caps,
    rlimits,
    attrs,
    paths.pointer,
    argv.pointer,
    envp.pointer,
    fnPtr(libc.syscall),
    fnPtr(libc.execve),
    fnPtr(libc.__errno_location),
  ] as const;
  return { args, keepAlive: [fprog, ids, groups, caps, rlimits, attrs, paths.keepAlive, argv.keepAlive, envp.keepAlive, s?.program] };
}

/** Compiles exec.c in `scratchDir` (must be writable); returns the exec function (the launcher's last step). */
export function compileExec(scratchDir: string): (req: ExecRequest) => string {
  const fn = compile(scratchDir).lxcri_exec as unknown as (...args: unknown[]) => number;
  return (req) => {
    const p = pack(req);
    const step = -fn(...p.args);
    const reason = errnoMessage();
    void p.keepAlive;
    return `${execStepName(step)}: ${reason}`;
  };
}

/** A CPU list as sched_setaffinity(2)'s mask of 1024 bits. */
function cpuMask(cpus: number[]): BigUint64Array {
  const mask = new BigUint64Array(16);
  for (const c of cpus) mask[c >> 6]! |= 1n << BigInt(c & 63);
  return mask;
}

/**
 * `lxcri exec`: a forked C child joins the container's cgroups (`cgroupFds`,
 * cgroup.procs files open for writing) and namespaces (`nsFds`, the user
 * namespace last), then clones the process as our child; the process sets
 * chdir, umask, no_new_privs and the same security context as the launcher,
 * searches PATH and execs. Its pid is written to `pidFd`; a failure to
 * `statusFd` as {step, errno}. Returns the intermediate child's pid (reap it).
 */
export function enterExec(
  req: ExecRequest,
  extra: { cwd: string; umask: number; noNewPrivileges: boolean; keepFds: number; statusFd: number; ttyFd?: number; finalCpus?: number[] },
  enter: { nsFds: number[]; cgroupFds: number[]; pidFd: number; initialCpus?: number[] },
): number {
  const fn = compile(tmpdir()).lxcri_enter_exec as unknown as (e: unknown, a: unknown) => number;
  const p = pack(req);
  const cwd = Buffer.from(extra.cwd + "\0");
  // struct attach_exec: lxcri_exec's 13 arguments, then cwd, umask, no_new_privs, keep_fds, status_fd, tty_fd, final_cpus; 8 bytes each
  const words = new BigUint64Array(20);
  const addr = (v: unknown) => (v === null ? 0n : typeof v === "number" ? BigInt(v) : BigInt(ptr(v as Uint8Array)));
  p.args.forEach((v, i) => (words[i] = addr(v)));
  words[13] = BigInt(ptr(cwd));
  words[14] = BigInt(extra.umask);
  words[15] = extra.noNewPrivileges ? 1n : 0n;
  words[16] = BigInt(extra.keepFds);
  words[17] = BigInt(extra.statusFd);
  words[18] = BigInt.asUintN(64, BigInt(extra.ttyFd ?? -1));
  const finalCpus = extra.finalCpus && cpuMask(extra.finalCpus);
  words[19] = finalCpus ? BigInt(ptr(finalCpus)) : 0n;
  const initialCpus = enter.initialCpus && cpuMask(enter.initialCpus);
  const ns = new Int32Array(enter.nsFds.length || 1);
  ns.set(enter.nsFds);
  const cg = new Int32Array(enter.cgroupFds.length || 1);
  cg.set(enter.cgroupFds);
  // struct enter: nsfds, nns, cgfds, ncg, pid_fd, initial_cpus
  const e = new BigUint64Array([
    BigInt(ptr(ns)),
    BigInt(enter.nsFds.length),
    BigInt(ptr(cg)),
    BigInt(enter.cgroupFds.length),
    BigInt(enter.pidFd),
    initialCpus ? BigInt(ptr(initialCpus)) : 0n,
  ]);
  const pid = Number(fn(e, words)); // i64: bun:ffi hands it back as a BigInt
  void p.keepAlive, cwd, ns, cg, finalCpus, initialCpus;
  return pid;
}
