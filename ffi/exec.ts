// Becoming the user process: the C function in exec.c applies seccomp, the
// capability sets and the user, then execs, with no JavaScript in between.
import { FFIType, ptr } from "bun:ffi";
import source from "./exec.c" with { type: "text" };
import { compileC } from "./compile.ts";
import { cstringArray } from "./cstr.ts";
import { errnoMessage, libc } from "./libc.ts";

const fnPtr = (f: unknown) => (f as { ptr: number }).ptr;

const STEPS = [
  "", "loading the seccomp filter", "dropping the capability bounding set", "setgroups", "setresgid",
  "keeping capabilities across setuid", "setresuid", "capset", "raising ambient capabilities",
  "setting rlimits", "loading the seccomp filter", "exec",
];

export interface ExecRequest {
  path: string;
  argv: string[];
  env: string[];
  user: { uid: number; gid: number; additionalGids: number[] };
  caps: { bounding: number[]; effective: number[]; permitted: number[]; inheritable: number[]; ambient: number[] };
  lastCap: number;
  rlimits: { resource: number; soft: number; hard: number }[];
  /** A BPF program with its seccomp(2) flags; `first` when it must be loaded before the capabilities go. */
  seccomp?: { program: Buffer; flags: number; first: boolean };
}

type ExecFn = (...args: unknown[]) => number;

/** Compiles exec.c in `scratchDir` (must be writable); returns the exec function. */
export function compileExec(scratchDir: string): (req: ExecRequest) => string {
  // No headers and no libc.so to link against in a container: libc's syscall and execve come in as pointers.
  const symbols = compileC("exec", source, scratchDir, ["-nostdinc", "-nostdlib"], {
    lxcri_exec: {
      args: [
        FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr,
        FFIType.ptr, FFIType.ptr,
      ],
      returns: FFIType.i32,
    },
  });
  const fn = symbols.lxcri_exec as unknown as ExecFn;
  return (req) => {
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
    const argv = cstringArray(req.argv);
    const envp = cstringArray(req.env);
    const step = -fn(
      s ? fprog : null, s?.first ? 1 : 0, ids, groups, caps, rlimits, Buffer.from(req.path + "\0"), argv.pointer, envp.pointer,
      fnPtr(libc.syscall), fnPtr(libc.execve),
    );
    const reason = errnoMessage();
    void argv.keepAlive, envp.keepAlive, s?.program;
    return `${STEPS[step] ?? "exec"}: ${reason}`;
  };
}
