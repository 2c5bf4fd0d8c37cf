// Builds a seccomp filter with libseccomp (the host's libseccomp.so.2, bound
// into /.lxcri/lib). ffi/exec.c loads it on the thread that execs (no TSYNC):
// Bun's other threads end with the exec.
import { dlopen, FFIType, type Pointer } from "bun:ffi";
import type { SeccompPlan } from "../src/lxc/seccomp.ts";

const { ptr, u32, i32, cstring } = FFIType;

function open() {
  return dlopen("/.lxcri/lib/libseccomp.so.2", {
    seccomp_init: { args: [u32], returns: ptr },
    seccomp_release: { args: [ptr], returns: FFIType.void },
    seccomp_attr_set: { args: [ptr, i32, u32], returns: i32 },
    seccomp_arch_resolve_name: { args: [cstring], returns: u32 },
    seccomp_arch_add: { args: [ptr, u32], returns: i32 },
    seccomp_syscall_resolve_name: { args: [cstring], returns: i32 },
    seccomp_rule_add_array: { args: [ptr, u32, i32, u32, ptr], returns: i32 },
    seccomp_load: { args: [ptr], returns: i32 },
  }).symbols;
}

const SCMP_FLTATR_CTL_NNP = 3;
const EEXIST = 17;

/** Builds the filter now: libseccomp is opened from /.lxcri, which start unmounts before the exec. */
export function prepareSeccomp(plan: SeccompPlan): { ctx: Pointer; load: number } {
  const lib = open();
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
      const token = lib.seccomp_arch_resolve_name(Buffer.from(arch + "\0"));
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
        const nr = lib.seccomp_syscall_resolve_name(Buffer.from(name + "\0"));
        if (nr === -1) continue; // a syscall this kernel and libseccomp do not know (runc skips them too)
        const r = lib.seccomp_rule_add_array(ctx, rule.action, nr, rule.args.length, cmp);
        if (r !== 0) throw new Error(`seccomp: cannot add the rule for ${name} (errno ${-r})`);
      }
    }
  } catch (e) {
    lib.seccomp_release(ctx);
    throw e;
  }
  // Loaded by ffi/exec.c right before execve: the context and libseccomp's seccomp_load.
  return { ctx, load: (lib.seccomp_load as unknown as { ptr: number }).ptr };
}
