// linux.seccomp checked into a Seccomp: actions, operators, flags lxcri can
// apply, architecture and syscall names, argument indexes and 64-bit values,
// and what is not supported yet (SCMP_ACT_NOTIFY and its listener).
import { configError } from "../errors.ts";
import { arrayOf, at, type Check, integer, object, oneOf, opt, req, string, uint32 } from "./check.ts";
import { type Seccomp, SECCOMP_ACTIONS, SECCOMP_FLAGS, SECCOMP_OPERATORS, type SeccompAction, type SeccompFlag } from "./types.ts";

/** What `lxcri features` reports (SCMP_ACT_NOTIFY needs a listener, which is not supported). */
export const SECCOMP_FEATURES = {
  actions: SECCOMP_ACTIONS.filter((a) => a !== "SCMP_ACT_NOTIFY"),
  operators: [...SECCOMP_OPERATORS],
  archs: ["SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32"],
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

// Not yet: init loads the filter right before execve, and the listener fd it would get has no way
// back to create (runc sends it to listenerPath with the state from its init's parent).
const NOTIFY_WHY = "seccomp notify listeners (SCMP_ACT_NOTIFY, listenerPath) are not supported yet";
const NOTIFY = `SCMP_ACT_NOTIFY needs a seccomp notify listener: ${NOTIFY_WHY}`;

const flag: Check<SeccompFlag> = (v, p) => {
  const f = string(v, p);
  // The kernel takes it only with SECCOMP_FILTER_FLAG_NEW_LISTENER, which SCMP_ACT_NOTIFY needs.
  if (f === "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") throw configError(p, `${f} applies to a seccomp notify listener, and ${NOTIFY_WHY}`);
  if (!(SECCOMP_FLAGS as readonly string[]).includes(f)) throw configError(p, `unsupported seccomp flag ${JSON.stringify(f)}`);
  return f as SeccompFlag;
};

const architecture: Check<string> = (v, p) => {
  const a = string(v, p);
  if (!/^SCMP_ARCH_[A-Z0-9_]+$/.test(a)) throw configError(p, `invalid architecture ${JSON.stringify(a)}`);
  return a;
};

const syscallName: Check<string> = (v, p) => {
  const name = string(v, p);
  if (!/^[a-z0-9_]+$/.test(name)) throw configError(p, `invalid syscall name ${JSON.stringify(name)}`);
  return name;
};

const action: Check<SeccompAction> = (v, p) => {
  const a = oneOf(SECCOMP_ACTIONS)(v, p);
  if (a === "SCMP_ACT_NOTIFY") throw configError(p, NOTIFY);
  return a;
};

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

/** linux.seccomp at `p`. */
export const seccomp: Check<Seccomp> = (v, p) => {
  const s: Seccomp = shape(v, p);
  if (s.listenerPath) throw configError(at(p, "listenerPath"), NOTIFY_WHY);
  if (s.listenerMetadata) throw configError(at(p, "listenerMetadata"), NOTIFY_WHY);
  return s;
};
