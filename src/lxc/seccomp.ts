// linux.seccomp → the rules create (and exec) compile to BPF with the host's
// libseccomp, and the native helper loads right before the process's execve
// (as runc does); liblxc would load the filter into init itself. Every OCI action, errno,
// argument condition (ANDed within a rule; ORed, as runc does, where two are on one argument), architecture and the TSYNC, LOG,
// SPEC_ALLOW and WAIT_KILLABLE_RECV flags are kept (SCMP_ACT_NOTIFY rules ask
// for a notify listener: the process hands its fd over, confine.c); values stay decimal strings (64-bit exact).
// The profile was checked (src/spec/seccomp.ts): this only maps it.
import type { SeccompPlan } from "../contract/plan.ts";
import { type Seccomp, SECCOMP_OPERATORS, type SeccompAction, type SeccompFlag } from "../spec/types.ts";

/** libseccomp filter attributes for OCI flags. */
export const FLAG_ATTRIBUTES: Partial<Record<SeccompFlag, number>> = {
  // TSYNC: the filter is loaded right before execve by a process with one thread; the flag is
  // passed to seccomp(2) all the same (runc accepts it and loads with it where libseccomp can).
  SECCOMP_FILTER_FLAG_TSYNC: 4,
  SECCOMP_FILTER_FLAG_LOG: 6,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 7,
  // WAIT_KILLABLE_RECV has no libseccomp 2.5 attribute: it goes to seccomp(2) as it is (FILTER_FLAGS).
};

/** seccomp(2) flags set directly: a notify listener (SCMP_ACT_NOTIFY rules), and WAIT_KILLABLE_RECV for it. */
export const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
const SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV = 32;

const EPERM = 1;

/** libseccomp's action value. */
function action(a: SeccompAction, errno: number | undefined): number {
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
      return 0x7fc00000;
  }
}

export function seccompPlan(s: Seccomp): SeccompPlan {
  const defaultAction = action(s.defaultAction, s.defaultErrnoRet);
  const rules: SeccompPlan["rules"] = [];
  for (const rule of s.syscalls ?? []) {
    const act = action(rule.action, rule.errnoRet);
    // libseccomp refuses a rule whose action is the default; it would change nothing anyway.
    if (act === defaultAction) continue;
    const args = (rule.args ?? []).map((a) => ({
      index: a.index,
      op: SECCOMP_OPERATORS.indexOf(a.op) + 1,
      a: String(a.value),
      b: String(a.valueTwo ?? "0"),
    }));
    // libseccomp refuses two conditions on one argument (EINVAL); runc then adds each condition
    // as a rule of its own (any of them matches), and so does lxcri, to filter as runc does
    const sameArg = new Set(args.map((a) => a.index)).size < args.length;
    if (sameArg) for (const a of args) rules.push({ names: rule.names, action: act, args: [a] });
    else rules.push({ names: rule.names, action: act, args });
  }
  return {
    defaultAction,
    architectures: (s.architectures ?? []).map((a) => a.slice("SCMP_ARCH_".length).toLowerCase()),
    attributes: (s.flags ?? []).flatMap((f) => FLAG_ATTRIBUTES[f] ?? []),
    filterFlags:
      (rules.some((r) => r.action === 0x7fc00000) ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0) |
      (s.flags?.includes("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") ? SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0),
    rules,
  };
}
