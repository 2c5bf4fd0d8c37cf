// Process attributes liblxc has no key for, applied by the native helper's
// confining step (ffi/native/confine.c) right before execve, first of all, while it still has
// every capability (an RT scheduler or I/O class needs CAP_SYS_NICE /
// CAP_SYS_ADMIN) and before any seccomp filter could refuse the calls — as
// runc does in its init:
//   linux.personality  → personality(2): LINUX32 makes `uname -m` say i686
//   process.ioPriority → ioprio_set(2)
//   process.scheduler  → sched_setattr(2)
//   linux.memoryPolicy → set_mempolicy(2)
// process.execCPUAffinity is only checked here: the spec says it does not
// apply to the container's init process, only to processes `exec` starts.
import type { ProcessAttrs } from "../contract/plan.ts";
import { configError } from "../errors.ts";
import { arrayOf, integer, object, oneOf, opt, req, string, uint64 } from "../spec/check.ts";
import type { Spec } from "../spec/types.ts";

const PERSONALITY: Record<string, number> = { LINUX: 0x0000, LINUX32: 0x0008 };
const IOPRIO_CLASS: Record<string, number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };
const SCHED_POLICY: Record<string, number> = {
  SCHED_OTHER: 0,
  SCHED_FIFO: 1,
  SCHED_RR: 2,
  SCHED_BATCH: 3,
  SCHED_ISO: 4,
  SCHED_IDLE: 5,
  SCHED_DEADLINE: 6,
};
const SCHED_FLAG: Record<string, number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01,
  SCHED_FLAG_RECLAIM: 0x02,
  SCHED_FLAG_DL_OVERRUN: 0x04,
  SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10,
  SCHED_FLAG_UTIL_CLAMP_MIN: 0x20,
  SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};
const MPOL_MODE: Record<string, number> = {
  MPOL_DEFAULT: 0,
  MPOL_PREFERRED: 1,
  MPOL_BIND: 2,
  MPOL_INTERLEAVE: 3,
  MPOL_LOCAL: 4,
  MPOL_PREFERRED_MANY: 5,
  MPOL_WEIGHTED_INTERLEAVE: 6,
};
const MPOL_FLAG: Record<string, number> = { MPOL_F_NUMA_BALANCING: 1 << 13, MPOL_F_RELATIVE_NODES: 1 << 14, MPOL_F_STATIC_NODES: 1 << 15 };
/** The exec step passes node and CPU masks of this many bits. */
export const MAX_NODES = 1024;

const keys = (m: Record<string, number>) => Object.keys(m);
const flagsOf = (names: string[] | undefined, table: Record<string, number>) => (names ?? []).reduce((f, n) => f | table[n]!, 0);

const personality = object({ domain: req(oneOf(keys(PERSONALITY))), flags: opt(arrayOf(string)) });
const ioPriority = object({ class: req(oneOf(keys(IOPRIO_CLASS))), priority: opt(integer(0, 7)) });
const scheduler = object({
  policy: req(oneOf(keys(SCHED_POLICY))),
  nice: opt(integer(-20, 19)),
  priority: opt(integer(0, 99)),
  flags: opt(arrayOf(oneOf(keys(SCHED_FLAG)))),
  runtime: opt(uint64),
  deadline: opt(uint64),
  period: opt(uint64),
});
const memoryPolicy = object({ mode: req(oneOf(keys(MPOL_MODE))), nodes: opt(string), flags: opt(arrayOf(oneOf(keys(MPOL_FLAG)))) });
const cpuAffinity = object({ initial: opt(string), final: opt(string) });

/** "0-3,7" → [0, 1, 2, 3, 7] (the kernel's list format, as in cpuset.cpus). */
export function parseList(list: string, at: string, max: number): number[] {
  const out: number[] = [];
  if (list.trim() === "") return out;
  for (const part of list.split(",")) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
    if (!m || hi < lo) throw configError(at, `invalid list ${JSON.stringify(list)} (expected e.g. "0-3,7")`);
    if (hi >= max) throw configError(at, `${hi} is above the largest supported number ${max - 1}`);
    for (let i = lo; i <= hi; i++) out.push(i);
  }
  return out;
}

export function processAttrs(spec: Spec): ProcessAttrs {
  const out: ProcessAttrs = {};
  const proc = spec.process;
  const linux = spec.linux;
  if (linux?.personality !== undefined) {
    const p = personality(linux.personality, "linux.personality");
    if (p.flags?.length) throw configError("linux.personality.flags", "no personality flags are defined by the runtime spec");
    out.personality = PERSONALITY[p.domain];
  }
  if (proc?.ioPriority !== undefined) {
    const io = ioPriority(proc.ioPriority, "process.ioPriority");
    out.ioPriority = (IOPRIO_CLASS[io.class]! << 13) | (io.priority ?? 0);
  }
  if (proc?.scheduler !== undefined) {
    const s = scheduler(proc.scheduler, "process.scheduler");
    const policy = SCHED_POLICY[s.policy]!;
    if ((policy === 1 || policy === 2) && !s.priority)
      throw configError("process.scheduler.priority", `${s.policy} needs a priority from 1 to 99`);
    if (policy !== 1 && policy !== 2 && s.priority) throw configError("process.scheduler.priority", `must be 0 for ${s.policy}`);
    out.scheduler = {
      policy,
      flags: flagsOf(s.flags, SCHED_FLAG),
      nice: s.nice ?? 0,
      priority: s.priority ?? 0,
      runtime: s.runtime ?? 0,
      deadline: s.deadline ?? 0,
      period: s.period ?? 0,
    };
  }
  if (linux?.memoryPolicy !== undefined) {
    const m = memoryPolicy(linux.memoryPolicy, "linux.memoryPolicy");
    const nodes = parseList(m.nodes ?? "", "linux.memoryPolicy.nodes", MAX_NODES);
    const mode = MPOL_MODE[m.mode]!;
    if ((mode === 0 || mode === 4) && nodes.length) throw configError("linux.memoryPolicy.nodes", `must be empty for ${m.mode}`);
    if ((mode === 2 || mode === 3 || mode === 5 || mode === 6) && !nodes.length)
      throw configError("linux.memoryPolicy.nodes", `${m.mode} needs at least one node`);
    out.memoryPolicy = { mode: mode | flagsOf(m.flags, MPOL_FLAG), nodes };
  }
  if (proc?.execCPUAffinity !== undefined) {
    const a = cpuAffinity(proc.execCPUAffinity, "process.execCPUAffinity");
    if (a.initial !== undefined) parseList(a.initial, "process.execCPUAffinity.initial", MAX_NODES);
    if (a.final !== undefined) parseList(a.final, "process.execCPUAffinity.final", MAX_NODES);
  }
  return out;
}
