// linux.seccomp checked into a Seccomp: actions, operators, flags lxcri can
// apply, architecture and syscall names, argument indexes and 64-bit values,
// and SCMP_ACT_NOTIFY's rules (a listenerPath; not the default action).
import { configError } from "../errors.ts";
import { arrayOf, at, type Check, integer, object, oneOf, opt, req, string, uint32 } from "./check.ts";
import { type Seccomp, SECCOMP_ACTIONS, SECCOMP_FLAGS, SECCOMP_OPERATORS, type SeccompAction, type SeccompFlag } from "./types.ts";

/** runtime-spec's architectures (config-linux.md), each a name libseccomp resolves. */
export const SECCOMP_ARCHS = [
  "SCMP_ARCH_X86",
  "SCMP_ARCH_X86_64",
  "SCMP_ARCH_X32",
  "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",
  "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",
  "SCMP_ARCH_MIPS64N32",
  "SCMP_ARCH_MIPSEL",
  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32",
  "SCMP_ARCH_PPC",
  "SCMP_ARCH_PPC64",
  "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_S390",
  "SCMP_ARCH_S390X",
  "SCMP_ARCH_PARISC",
  "SCMP_ARCH_PARISC64",
  "SCMP_ARCH_RISCV64",
] as const;

/** What `lxcri features` reports. */
export const SECCOMP_FEATURES = {
  actions: [...SECCOMP_ACTIONS],
  operators: [...SECCOMP_OPERATORS],
  archs: [...SECCOMP_ARCHS],
  knownFlags: [
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  ],
  supportedFlags: [...SECCOMP_FLAGS],
};

/** A 64-bit unsigned value, as a decimal string: JSON numbers above 2^53 are imprecise, so strings of digits pass too. */
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

const flag: Check<SeccompFlag> = (v, p) => {
  const f = string(v, p);
  if (!(SECCOMP_FLAGS as readonly string[]).includes(f)) throw configError(p, `unsupported seccomp flag ${JSON.stringify(f)}`);
  return f as SeccompFlag;
};

const architecture: Check<string> = (v, p) => {
  const a = string(v, p);
  if (!(SECCOMP_ARCHS as readonly string[]).includes(a)) throw configError(p, `unknown architecture ${JSON.stringify(a)}`);
  return a;
};

const syscallName: Check<string> = (v, p) => {
  const name = string(v, p);
  if (!/^[a-z0-9_]+$/.test(name)) throw configError(p, `invalid syscall name ${JSON.stringify(name)}`);
  return name;
};

const action: Check<SeccompAction> = oneOf(SECCOMP_ACTIONS);

const shape = object({
  defaultAction: req(action),
  defaultErrnoRet: opt(uint32),
  architectures: opt(arrayOf(architecture)),
  flags: opt(arrayOf(flag)),
  listenerPath: opt(string),
  listenerMetadata: opt(string),
  syscalls: opt(
    arrayOf(
      object({
        names: req(arrayOf(syscallName)),
        action: req(action),
        errnoRet: opt(uint32),
        args: opt(
          arrayOf(object({ index: req(integer(0, 5)), value: req(u64), valueTwo: opt(u64), op: req(oneOf(SECCOMP_OPERATORS)) }), 6),
        ),
      }),
    ),
  ),
});

/**
 * The syscalls the process makes between loading its filter and handing its notify fd over
 * (ffi/native/confine.c): notified, they would wait for an agent that has no fd yet (runc
 * refuses `write` for the same reason).
 */
export const NOTIFY_REFUSED = ["sendmsg"];

/** linux.seccomp at `p`: SCMP_ACT_NOTIFY as runc takes it — with a listenerPath, never as the default action. */
export const seccomp: Check<Seccomp> = (v, p) => {
  const s: Seccomp = shape(v, p);
  if (s.defaultAction === "SCMP_ACT_NOTIFY") throw configError(at(p, "defaultAction"), "SCMP_ACT_NOTIFY cannot be the default action");
  const notifies = (s.syscalls ?? []).some((r) => r.action === "SCMP_ACT_NOTIFY");
  (s.syscalls ?? []).forEach((r, i) => {
    if (r.action !== "SCMP_ACT_NOTIFY") return;
    const j = r.names.findIndex((n) => NOTIFY_REFUSED.includes(n));
    if (j >= 0)
      throw configError(
        at(p, `syscalls[${i}].names[${j}]`),
        `SCMP_ACT_NOTIFY cannot be used for ${r.names[j]}: lxcri hands the notify fd over with it`,
      );
  });
  if (notifies && !s.listenerPath)
    throw configError(at(p, "listenerPath"), "SCMP_ACT_NOTIFY needs a listenerPath (the seccomp agent's socket)");
  if (s.listenerPath !== undefined && s.listenerPath !== "" && !s.listenerPath.startsWith("/"))
    throw configError(at(p, "listenerPath"), `must be an absolute path, got ${JSON.stringify(s.listenerPath)}`);
  const wk = (s.flags ?? []).indexOf("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
  if (wk >= 0 && !notifies)
    throw configError(
      at(p, `flags[${wk}]`),
      "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV applies to a notify listener: it needs SCMP_ACT_NOTIFY rules",
    );
  return s;
};
