// Builds a seccomp filter with the host's libseccomp and exports it as BPF,
// in create and exec on the host: the native helper loads the program in the
// container process itself, right before its execve (no libseccomp, and no
// allocation, in the container).
import { dlopen, FFIType, ptr as ptrOf, type Pointer, read } from "bun:ffi";
import { closeFd } from "./fds.ts";
// C strings and bytes without Buffer (its set-up on first use ~0.2 ms of create: docs/performance.md)
import { cs, fstat } from "./files.ts";
import { sys } from "./libc.ts";
import { EEXIST, MFD_CLOEXEC, SYS } from "./syscalls.ts";

const { ptr, u32, i32, cstring } = FFIType;

function open(library: string) {
  return dlopen(library, {
    seccomp_init: { args: [u32], returns: ptr },
    seccomp_release: { args: [ptr], returns: FFIType.void },
    seccomp_attr_set: { args: [ptr, i32, u32], returns: i32 },
    seccomp_arch_resolve_name: { args: [cstring], returns: u32 },
    seccomp_arch_add: { args: [ptr, u32], returns: i32 },
    seccomp_syscall_resolve_name: { args: [cstring], returns: i32 },
    seccomp_rule_add_array: { args: [ptr, u32, i32, u32, ptr], returns: i32 },
    seccomp_export_bpf: { args: [ptr, i32], returns: i32 },
    seccomp_version: { args: [], returns: ptr },
  }).symbols;
}

/** What the filter is made of (src/lxc/seccomp.ts makes it from linux.seccomp; src/contract/plan.ts names it SeccompPlan). */
export interface SeccompRules {
  defaultAction: number;
  architectures: string[];
  attributes: number[];
  /** seccomp(2) flags beyond what the attributes give (NEW_LISTENER, WAIT_KILLABLE_RECV). */
  filterFlags?: number;
  rules: { names: string[]; action: number; args: { index: number; op: number; a: string; b: string }[] }[];
}

let opened: ReturnType<typeof open> | undefined;

/** The host's libseccomp version ("2.5.4": struct scmp_version's three unsigned ints), undefined where it cannot be loaded. */
export function libseccompVersion(): string | undefined {
  try {
    const v = (opened ??= open("libseccomp.so.2")).seccomp_version() as Pointer | null;
    return v ? [0, 4, 8].map((off) => read.u32(v, off)).join(".") : undefined;
  } catch {
    return undefined;
  }
}
const SCMP_FLTATR_CTL_NNP = 3;

/**
 * The filter as a BPF program with its seccomp(2) flags: the native helper
 * loads it without allocating (an RLIMIT_AS for the process may already be in force).
 */
export function compileSeccomp(plan: SeccompRules): { program: Uint8Array; flags: number } {
  const lib = (opened ??= open("libseccomp.so.2"));
  const ctx = lib.seccomp_init(plan.defaultAction) as Pointer | null;
  if (!ctx) throw new Error("seccomp_init failed");
  try {
    // no_new_privs is the container's own setting (liblxc applied it), not libseccomp's default.
    lib.seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    for (const attr of plan.attributes) {
      const r = lib.seccomp_attr_set(ctx, attr, 1);
      if (r !== 0) throw new Error(`seccomp: cannot set filter attribute ${attr} (errno ${-r})`);
    }
    for (const arch of plan.architectures) {
      const token = lib.seccomp_arch_resolve_name(cs(arch));
      if (!token) throw new Error(`seccomp: unknown architecture ${arch}`);
      const r = lib.seccomp_arch_add(ctx, token);
      if (r !== 0 && r !== -EEXIST) throw new Error(`seccomp: cannot add architecture ${arch} (errno ${-r})`);
    }
    for (const rule of plan.rules) {
      const cmp = new BigUint64Array(3 * Math.max(rule.args.length, 1)); // struct scmp_arg_cmp: u32 arg, u32 op, u64 a, u64 b
      const words = new Uint32Array(cmp.buffer);
      rule.args.forEach((a, i) => {
        words[i * 6] = a.index;
        words[i * 6 + 1] = a.op;
        cmp[i * 3 + 1] = BigInt(a.a);
        cmp[i * 3 + 2] = BigInt(a.b);
      });
      for (const name of rule.names) {
        const nr = lib.seccomp_syscall_resolve_name(cs(name));
        if (nr === -1) continue; // a syscall this kernel and libseccomp do not know (runc skips them too)
        const r = lib.seccomp_rule_add_array(ctx, rule.action, nr, rule.args.length, cmp);
        if (r !== 0) throw new Error(`seccomp: cannot add the rule for ${name} (errno ${-r})`);
      }
    }
    let flags = plan.attributes.reduce((f, a) => f | (FILTER_FLAGS[a] ?? 0), plan.filterFlags ?? 0);
    // the kernel takes TSYNC with NEW_LISTENER only with TSYNC_ESRCH (libseccomp adds it so too)
    if (flags & 1 && flags & 8) flags |= 16;
    return { program: exportBpf(lib, ctx), flags };
  } finally {
    lib.seccomp_release(ctx);
  }
}

// seccomp(2) flags for the libseccomp attributes a plan may set (CTL_TSYNC, CTL_LOG, CTL_SSB).
const FILTER_FLAGS: Record<number, number> = {
  4: 1 /* SECCOMP_FILTER_FLAG_TSYNC */,
  6: 2 /* SECCOMP_FILTER_FLAG_LOG */,
  7: 4 /* SECCOMP_FILTER_FLAG_SPEC_ALLOW */,
};

function exportBpf(lib: ReturnType<typeof open>, ctx: Pointer): Uint8Array {
  const name = cs("lxcri-seccomp");
  const fd = sys("memfd_create", SYS.memfd_create, ptrOf(name), MFD_CLOEXEC);
  try {
    const r = lib.seccomp_export_bpf(ctx, fd);
    if (r !== 0) throw new Error(`seccomp: cannot generate the filter (errno ${-r})`);
    const size = fstat(fd, "the exported seccomp filter").size;
    const program = new Uint8Array(size);
    // from its start (libseccomp's write left the offset at the end); a memfd gives all at once
    const n = sys("reading the exported seccomp filter", SYS.pread64, fd, ptrOf(program), size, 0);
    if (n !== size) throw new Error(`seccomp: read ${n} of the filter's ${size} bytes`);
    return program;
  } finally {
    closeFd(fd);
  }
}
