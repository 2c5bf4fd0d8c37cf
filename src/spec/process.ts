// process — config.json's, or the one an exec runs — checked into a Process:
// shapes and ranges, duplicate rlimits, the scheduler's priority rules, CPU
// lists, AppArmor profile names and SELinux labels.
// Whether the host has AppArmor or SELinux is src/host/apparmor.ts's and
// src/host/selinux.ts's question.
import { configError } from "../errors.ts";
import { absolutePath, arrayOf, at, boolean, type Check, integer, object, oneOf, opt, req, string, uint32, uint64 } from "./check.ts";
import { MAX_NODES, numberList } from "./lists.ts";
import { RLIMITS } from "./rlimits.ts";
import { CAPABILITY_SETS, IOPRIO_CLASSES, type Process, SCHED_FLAGS, SCHED_POLICIES } from "./types.ts";

export const envEntry: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!s.includes("=")) throw configError(p, `environment entry ${JSON.stringify(s)} has no "="`);
  if (s.includes("\0")) throw configError(p, "must not contain NUL");
  return s;
};

export const argString: Check<string> = (v, p) => {
  const s = string(v, p);
  if (s.includes("\0")) throw configError(p, "must not contain NUL");
  return s;
};

const capability: Check<string> = (v, p) => {
  const s = string(v, p);
  if (!/^CAP_[A-Z_]+$/.test(s)) throw configError(p, `invalid capability name ${JSON.stringify(s)}`);
  return s;
};

/**
 * A profile name as the kernel reads "exec <name>" from the attr file: it
 * trims blanks around the name, so a name is printable, without surrounding
 * blanks ("" means none, as with runc).
 */
const apparmorProfile: Check<string> = (v, p) => {
  const s = string(v, p);
  if (/[\x00-\x1f\x7f]/.test(s)) throw configError(p, `must not contain control characters: ${JSON.stringify(s)}`);
  if (s.trim() !== s) throw configError(p, `must not start or end with a blank: ${JSON.stringify(s)}`);
  // UTF-8 bytes, without Buffer (its set-up costs create ~0.2 ms): no UTF-16 unit takes more than 3
  if (s.length * 3 > 4000 && new TextEncoder().encode(s).length > 4000) throw configError(p, "is longer than 4000 bytes");
  return s;
};

/**
 * The profile that confines a process: none for "" and for "unconfined" (the
 * native helpers run unconfined already: liblxc gets lxc.apparmor.profile =
 * unconfined, because init still mounts what container profiles deny).
 */
export function confiningProfile(profile: string | undefined): string | undefined {
  return profile && profile !== "unconfined" ? profile : undefined;
}

/**
 * An SELinux context ("user:role:type[:level]", the level with categories:
 * "s0:c1,c2", "s0-s0:c0.c1023"): the characters of SELinux identifiers and
 * levels only. The mount label goes into mount(2)'s data as context="…", so a
 * quote, blank or backslash could add options of its own; none is ever in a
 * context.
 */
export const selinuxContext: Check<string> = (v, p) => {
  const s = string(v, p);
  if (s !== "" && !/^[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+:[A-Za-z0-9_.\-]+(:[A-Za-z0-9_.,:\-]+)?$/.test(s))
    throw configError(p, `is not an SELinux context (user:role:type[:level]): ${JSON.stringify(s)}`);
  if (s.length > 4000) throw configError(p, "is longer than 4000 bytes");
  return s;
};

const rlimit = object({ type: req(oneOf(Object.keys(RLIMITS))), soft: req(uint64), hard: req(uint64) });

const shape = object({
  terminal: opt(boolean),
  consoleSize: opt(object({ height: req(uint32), width: req(uint32) })),
  user: req(
    object({
      uid: req(uint32),
      gid: req(uint32),
      umask: opt(uint32),
      additionalGids: opt(arrayOf(uint32)),
      username: opt(string),
    }),
  ),
  args: req(arrayOf(argString)),
  commandLine: opt(string),
  env: opt(arrayOf(envEntry)),
  cwd: req(absolutePath),
  capabilities: opt(
    object(
      Object.fromEntries(CAPABILITY_SETS.map((s) => [s, opt(arrayOf(capability))])) as Record<
        (typeof CAPABILITY_SETS)[number],
        ReturnType<typeof opt<string[]>>
      >,
    ),
  ),
  rlimits: opt(arrayOf(rlimit)),
  noNewPrivileges: opt(boolean),
  apparmorProfile: opt(apparmorProfile),
  oomScoreAdj: opt(integer(-1000, 1000)),
  selinuxLabel: opt(selinuxContext),
  ioPriority: opt(object({ class: req(oneOf(IOPRIO_CLASSES)), priority: opt(integer(0, 7)) })),
  scheduler: opt(
    object({
      policy: req(oneOf(SCHED_POLICIES)),
      nice: opt(integer(-20, 19)),
      priority: opt(integer(0, 99)),
      flags: opt(arrayOf(oneOf(SCHED_FLAGS))),
      runtime: opt(uint64),
      deadline: opt(uint64),
      period: opt(uint64),
    }),
  ),
  // The spec applies it to processes exec starts, not to the container's init.
  execCPUAffinity: opt(object({ initial: opt(numberList(MAX_NODES)), final: opt(numberList(MAX_NODES)) })),
});

/** A process at `p` ("process" in config.json, "" for an exec's process.json). */
export const process: Check<Process> = (v, p) => {
  const proc: Process = shape(v, p);
  if (proc.args.length === 0) throw configError(at(p, "args"), "must not be empty");
  const limits = new Set<string>();
  proc.rlimits?.forEach((r, i) => {
    if (limits.has(r.type)) throw configError(at(p, `rlimits[${i}].type`), `duplicate rlimit "${r.type}"`);
    if (r.soft > r.hard) throw configError(at(p, `rlimits[${i}]`), `soft limit ${r.soft} is above the hard limit ${r.hard}`);
    limits.add(r.type);
  });
  const s = proc.scheduler;
  if (s) {
    const realtime = s.policy === "SCHED_FIFO" || s.policy === "SCHED_RR";
    if (realtime && !s.priority) throw configError(at(p, "scheduler.priority"), `${s.policy} needs a priority from 1 to 99`);
    if (!realtime && s.priority) throw configError(at(p, "scheduler.priority"), `must be 0 for ${s.policy}`);
  }
  return proc;
};
