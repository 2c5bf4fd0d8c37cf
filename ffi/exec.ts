// Becoming the user process: the C function in exec.c applies seccomp, the
// capability sets and the user, then execs, with no JavaScript in between.
// Compiled with cc() from a copy of the source on a writable path (cc()
// cannot read sources embedded in a compiled binary, oven-sh/bun#24752).
import { cc, FFIType, type Pointer } from "bun:ffi";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import source from "./exec.c" with { type: "text" };
import { cstringArray } from "./cstr.ts";
import { errnoMessage, libc } from "./libc.ts";

const fnPtr = (f: unknown) => (f as { ptr: number }).ptr;

const STEPS = [
  "", "loading the seccomp filter", "dropping the capability bounding set", "setgroups", "setresgid",
  "keeping capabilities across setuid", "setresuid", "capset", "raising ambient capabilities",
  "loading the seccomp filter", "exec",
];

export interface ExecRequest {
  path: string;
  argv: string[];
  env: string[];
  user: { uid: number; gid: number; additionalGids: number[] };
  caps: { bounding: number[]; effective: number[]; permitted: number[]; inheritable: number[]; ambient: number[] };
  lastCap: number;
  /** A prepared libseccomp filter and its seccomp_load, or none. */
  seccomp?: { ctx: Pointer; load: number; first: boolean };
}

type ExecFn = (...args: unknown[]) => number;

/** Compiles exec.c in `scratchDir` (must be writable); returns the exec function. */
export function compileExec(scratchDir: string): (req: ExecRequest) => string {
  const file = join(scratchDir, "exec.c");
  writeFileSync(file, source);
  const { symbols } = cc({
    source: file,
    // No headers and no libc.so to link in a container: libc's symbols resolve in this process.
    flags: ["-nostdinc", "-nostdlib"],
    symbols: {
      lxcri_exec: {
        args: [
          FFIType.ptr, FFIType.ptr, FFIType.i32, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr,
          FFIType.ptr, FFIType.ptr,
        ],
        returns: FFIType.i32,
      },
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
    const ids = new Uint32Array([req.user.uid, req.user.gid, req.user.additionalGids.length, req.lastCap]);
    const groups = new Uint32Array(req.user.additionalGids.length || 1);
    groups.set(req.user.additionalGids);
    const argv = cstringArray(req.argv);
    const envp = cstringArray(req.env);
    const s = req.seccomp;
    const step = -fn(
      s?.ctx ?? null, s?.load ?? null, s?.first ? 1 : 0, ids, groups, caps, Buffer.from(req.path + "\0"), argv.pointer, envp.pointer,
      fnPtr(libc.syscall), fnPtr(libc.execve),
    );
    const reason = errnoMessage();
    void argv.keepAlive, envp.keepAlive;
    return `${STEPS[step] ?? "exec"}: ${reason}`;
  };
}
