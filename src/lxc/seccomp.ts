// linux.seccomp → an LXC seccomp profile (format version 2, lxc seccomp.c).
// Every rule keeps its action and errno, and all argument conditions of a rule
// stay on one line, which liblxc ANDs (as OCI requires). What LXC cannot
// express (LOG, TRACE, KILL_PROCESS, NOTIFY, filter flags) is an error.
import { configError } from "../errors.ts";
import { arrayOf, type Check, integer, object, oneOf, opt, req, string, uint32, uint64 } from "../spec/check.ts";

const ACTIONS = [
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
] as const;
const OPS = [
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
] as const;

const seccompCheck = object({
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
        args: opt(arrayOf(object({ index: req(integer(0, 5)), value: req(uint64), valueTwo: opt(uint64), op: req(oneOf(OPS)) }), 6)),
      }),
    ),
  ),
});

export type Seccomp = ReturnType<typeof seccompCheck>;
export const checkSeccomp: Check<Seccomp> = seccompCheck;

const EPERM = 1;

/** One LXC action word for an OCI action; errno defaults to EPERM as in runc. */
function action(a: (typeof ACTIONS)[number], errno: number | undefined, at: string): string {
  switch (a) {
    case "SCMP_ACT_ALLOW":
      return "allow";
    case "SCMP_ACT_ERRNO":
      return `errno ${errno ?? EPERM}`;
    case "SCMP_ACT_KILL":
    case "SCMP_ACT_KILL_THREAD":
      return "kill";
    case "SCMP_ACT_TRAP":
      return "trap";
    default:
      throw configError(at, `${a} cannot be expressed in an LXC seccomp profile`);
  }
}

export function seccompProfile(raw: unknown): string {
  const s = checkSeccomp(raw, "linux.seccomp");
  if (s.flags?.length) throw configError("linux.seccomp.flags", `seccomp filter flags are not supported (${s.flags.join(", ")})`);
  if (s.listenerPath) throw configError("linux.seccomp.listenerPath", "seccomp notify listeners are not supported");
  const def = action(s.defaultAction, s.defaultErrnoRet, "linux.seccomp.defaultAction");
  // No arch sections: on x86_64 liblxc applies rules to x86_64, i386 and x32 alike.
  const lines = ["2", `allowlist ${def}`];
  (s.syscalls ?? []).forEach((rule, i) => {
    const act = action(rule.action, rule.errnoRet, `linux.seccomp.syscalls[${i}].action`);
    // libseccomp refuses a rule whose action is the default; it would change nothing anyway.
    if (act === def) return;
    const conds = (rule.args ?? []).map((a) =>
      a.op === "SCMP_CMP_MASKED_EQ"
        ? `[${a.index},${a.valueTwo ?? 0},${a.op},${a.value}]` // liblxc: [index,datum,op,mask]
        : `[${a.index},${a.value},${a.op}]`,
    );
    rule.names.forEach((name, j) => {
      if (!/^[a-z0-9_]+$/.test(name)) throw configError(`linux.seccomp.syscalls[${i}].names[${j}]`, `invalid syscall name ${JSON.stringify(name)}`);
      lines.push(`${name} ${act}${conds.length ? " " + conds.join("") : ""}`);
    });
  });
  return lines.join("\n") + "\n";
}
