// linux.seccomp → the rules create (and exec) compile to BPF with the host's
// libseccomp, and the native helper loads right before the process's execve
// (as runc does); liblxc would load the filter into init itself. Every OCI action, errno,
// argument condition (ANDed within a rule), architecture and the LOG and
// SPEC_ALLOW flags are kept; values stay decimal strings (64-bit exact).
import type { SeccompPlan } from "../contract/plan.ts";
import { configError } from "../errors.ts";
import { arrayOf, type Check, integer, object, oneOf, opt, req, string, uint32 } from "../spec/check.ts";

const ACTIONS = [
  "SCMP_ACT_KILL",
  "SCMP_ACT_KILL_PROCESS",
  "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_TRAP",
  "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE",
  "SCMP_ACT_ALLOW",
  "SCMP_ACT_LOG",
  "SCMP_ACT_NOTIFY",
] as const;
const OPS = ["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"] as const;
/** What `lxcri features` reports (SCMP_ACT_NOTIFY needs a listener, which is not supported). */
export const SECCOMP_FEATURES = {
  actions: ACTIONS.filter((a) => a !== "SCMP_ACT_NOTIFY"),
  operators: [...OPS],
  archs: ["SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32"],
  knownFlags: [
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  ],
  supportedFlags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
};
/** libseccomp filter attributes for OCI flags. */
export const FLAG_ATTRIBUTES: Record<string, number> = { SECCOMP_FILTER_FLAG_LOG: 6, SECCOMP_FILTER_FLAG_SPEC_ALLOW: 7 };

/** A 64-bit unsigned value: JSON numbers above 2^53 are imprecise, so strings of digits pass too. */
const u64: Check<string> = (v, p) => {
  const s =
    typeof v === "number" && Number.isInteger(v) && v >= 0
      ? BigInt(v).toString()
      : typeof v === "string" && /^\d+$/.test(v)
        ? v
        : undefined;
  if (s === undefined || BigInt(s) > 0xffffffffffffffffn)
    throw configError(p, `expected an unsigned 64-bit integer, got ${JSON.stringify(v)}`);
  return s;
};

const check = object({
  defaultAction: req(oneOf(ACTIONS)),
  defaultErrnoRet: opt(uint32),
  architectures: opt(arrayOf(string)),
  flags: opt(arrayOf(string)),
  listenerPath: opt(string),
  listenerMetadata: opt(string),
  syscalls: opt(
    arrayOf(
      object({
        names: req(arrayOf(string)),
        action: req(oneOf(ACTIONS)),
        errnoRet: opt(uint32),
        args: opt(arrayOf(object({ index: req(integer(0, 5)), value: req(u64), valueTwo: opt(u64), op: req(oneOf(OPS)) }), 6)),
      }),
    ),
  ),
});

const EPERM = 1;

function action(a: (typeof ACTIONS)[number], errno: number | undefined, at: string): number {
  switch (a) {
    case "SCMP_ACT_KILL":
    case "SCMP_ACT_KILL_THREAD":
      return 0;
    case "SCMP_ACT_KILL_PROCESS":
      return 0x80000000;
    case "SCMP_ACT_TRAP":
      return 0x00030000;
    case "SCMP_ACT_ERRNO":
      return (0x00050000 | ((errno ?? EPERM) & 0xffff)) >>> 0;
    case "SCMP_ACT_TRACE":
      return (0x7ff00000 | ((errno ?? EPERM) & 0xffff)) >>> 0;
    case "SCMP_ACT_LOG":
      return 0x7ffc0000;
    case "SCMP_ACT_ALLOW":
      return 0x7fff0000;
    case "SCMP_ACT_NOTIFY":
      throw configError(at, "SCMP_ACT_NOTIFY needs a seccomp listener, which is not supported yet");
  }
}

export function seccompPlan(raw: unknown): SeccompPlan {
  const s = check(raw, "linux.seccomp");
  if (s.listenerPath) throw configError("linux.seccomp.listenerPath", "seccomp notify listeners are not supported yet");
  const attributes = (s.flags ?? []).map((f, i) => {
    const attr = FLAG_ATTRIBUTES[f];
    if (attr === undefined) throw configError(`linux.seccomp.flags[${i}]`, `unsupported seccomp flag ${JSON.stringify(f)}`);
    return attr;
  });
  const architectures = (s.architectures ?? []).map((a, i) => {
    if (!/^SCMP_ARCH_[A-Z0-9_]+$/.test(a))
      throw configError(`linux.seccomp.architectures[${i}]`, `invalid architecture ${JSON.stringify(a)}`);
    return a.slice("SCMP_ARCH_".length).toLowerCase();
  });
  const defaultAction = action(s.defaultAction, s.defaultErrnoRet, "linux.seccomp.defaultAction");
  const rules: SeccompPlan["rules"] = [];
  (s.syscalls ?? []).forEach((rule, i) => {
    const act = action(rule.action, rule.errnoRet, `linux.seccomp.syscalls[${i}].action`);
    rule.names.forEach((name, j) => {
      if (!/^[a-z0-9_]+$/.test(name))
        throw configError(`linux.seccomp.syscalls[${i}].names[${j}]`, `invalid syscall name ${JSON.stringify(name)}`);
    });
    // libseccomp refuses a rule whose action is the default; it would change nothing anyway.
    if (act === defaultAction) return;
    const args = (rule.args ?? []).map((a) => ({ index: a.index, op: OPS.indexOf(a.op) + 1, a: a.value, b: a.valueTwo ?? "0" }));
    rules.push({ names: rule.names, action: act, args });
  });
  return { defaultAction, architectures, attributes, rules };
}
