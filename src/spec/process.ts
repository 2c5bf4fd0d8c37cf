// process — config.json's, or the one an exec runs — checked into a Process:
// shapes and ranges, duplicate rlimits, the scheduler's priority rules, CPU
// lists, and what lxcri does not support yet (AppArmor, SELinux).
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
  apparmorProfile: opt(string),
  oomScoreAdj: opt(integer(-1000, 1000)),
  selinuxLabel: opt(string),
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
  for (const field of ["apparmorProfile", "selinuxLabel"] as const)
    if (proc[field]) throw configError(at(p, field), "is not supported yet");
  return proc;
};
