// Becoming the user process: the C functions in exec.c apply seccomp, the
// capability sets and the user, then exec, with no JavaScript in between.
// The launcher calls lxcri_exec directly (it is init); `lxcri exec` hands
// lxcri_attach_exec to liblxc's attach, which runs it in the attached process.
import { FFIType, ptr, type Pointer } from "bun:ffi";
import { tmpdir } from "node:os";
import source from "./exec.c" with { type: "text" };
import { compileC } from "./compile.ts";
import { cstringArray } from "./cstr.ts";
import { errnoMessage, libc } from "./libc.ts";

const fnPtr = (f: unknown) => (f as { ptr: number }).ptr;

const STEPS = [
  "", "loading the seccomp filter", "dropping the capability bounding set", "setgroups", "setresgid",
  "keeping capabilities across setuid", "setresuid", "capset", "raising ambient capabilities",
  "setting rlimits", "loading the seccomp filter", "exec", "chdir to process.cwd", "setting no_new_privs",
];

/** What a failed step number means. */
export function execStepName(step: number): string {
  return STEPS[step] ?? "exec";
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
  /** A BPF program with its seccomp(2) flags; `first` when it must be loaded before the capabilities go. */
  seccomp?: { program: Buffer; flags: number; first: boolean };
}

const EXEC_ARGS = [
  FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr,
  FFIType.ptr, FFIType.ptr, FFIType.ptr,
];

function compile(scratchDir: string) {
  // No headers and no libc.so to link against in a container: libc's functions come in as pointers.
  return compileC("exec", source, scratchDir, ["-nostdinc", "-nostdlib"], {
    lxcri_exec: { args: EXEC_ARGS, returns: FFIType.i32 },
    lxcri_attach_exec: { args: [FFIType.ptr], returns: FFIType.i32 },
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
  const caps = new Uint32Array([...bits(c.bounding), ...bits(c.effective), ...bits(c.permitted), ...bits(c.inheritable), ...bits(c.ambient)]);
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
  const args = [
    s ? fprog : null, s?.first ? 1 : 0, ids, groups, caps, rlimits, paths.pointer, argv.pointer, envp.pointer,
    fnPtr(libc.syscall), fnPtr(libc.execve), fnPtr(libc.__errno_location),
  ] as const;
  return { args, keepAlive: [fprog, ids, groups, caps, rlimits, paths.keepAlive, argv.keepAlive, envp.keepAlive, s?.program] };
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

export interface AttachExec {
  /** lxc_attach_exec_t for liblxc's attach, and its payload. */
  fn: Pointer;
  payload: Pointer;
  /** Keep referenced until attach returned. */
  keepAlive: unknown[];
}

/**
 * The attach step for `lxcri exec`: chdir, umask and no_new_privs, then the
 * same security context and PATH search as the launcher. A failure is written
 * to `statusFd` as two int32s {step, errno}.
 */
export function attachExec(
  req: ExecRequest,
  extra: { cwd: string; umask: number; noNewPrivileges: boolean; keepFds: number; statusFd: number },
): AttachExec {
  const fn = (compile(tmpdir()).lxcri_attach_exec as unknown as { ptr: number }).ptr;
  const p = pack(req);
  const cwd = Buffer.from(extra.cwd + "\0");
  // struct attach_exec: every field is 8 bytes (pointers and longs)
  const words = new BigUint64Array(17);
  const addr = (v: unknown) => (v === null ? 0n : typeof v === "number" ? BigInt(v) : BigInt(ptr(v as Uint8Array)));
  const a = p.args;
  [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]].forEach((v, i) => (words[i] = addr(v)));
  words[12] = BigInt(ptr(cwd));
  words[13] = BigInt(extra.umask);
  words[14] = extra.noNewPrivileges ? 1n : 0n;
  words[15] = BigInt(extra.keepFds);
  words[16] = BigInt(extra.statusFd);
  return { fn: fn as Pointer, payload: ptr(words), keepAlive: [p.keepAlive, cwd, words] };
}
