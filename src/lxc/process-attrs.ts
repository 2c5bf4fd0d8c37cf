// Process attributes liblxc has no key for, applied by the native helper's
// confining step (ffi/native/confine.c) right before execve, first of all, while it still has
// every capability (an RT scheduler or I/O class needs CAP_SYS_NICE /
// CAP_SYS_ADMIN) and before any seccomp filter could refuse the calls — as
// runc does in its init:
//   linux.personality  → personality(2): LINUX32 makes `uname -m` say i686
//   process.ioPriority → ioprio_set(2)
//   process.scheduler  → sched_setattr(2)
//   linux.memoryPolicy → set_mempolicy(2)
// The values were checked (src/spec/process.ts, linux.ts): this only maps them.
import type { ProcessAttrs } from "../contract/plan.ts";
import { listNumbers } from "../spec/lists.ts";
import type { IoPriority, Linux, MemoryPolicy, Personality, Process, Scheduler } from "../spec/types.ts";

const PERSONALITY: Record<Personality["domain"], number> = { LINUX: 0x0000, LINUX32: 0x0008 };
const IOPRIO_CLASS: Record<IoPriority["class"], number> = { IOPRIO_CLASS_RT: 1, IOPRIO_CLASS_BE: 2, IOPRIO_CLASS_IDLE: 3 };
const SCHED_POLICY: Record<Scheduler["policy"], number> = {
  SCHED_OTHER: 0,
  SCHED_FIFO: 1,
  SCHED_RR: 2,
  SCHED_BATCH: 3,
  SCHED_ISO: 4,
  SCHED_IDLE: 5,
  SCHED_DEADLINE: 6,
};
const SCHED_FLAG: Record<NonNullable<Scheduler["flags"]>[number], number> = {
  SCHED_FLAG_RESET_ON_FORK: 0x01,
  SCHED_FLAG_RECLAIM: 0x02,
  SCHED_FLAG_DL_OVERRUN: 0x04,
  SCHED_FLAG_KEEP_POLICY: 0x08,
  SCHED_FLAG_KEEP_PARAMS: 0x10,
  SCHED_FLAG_UTIL_CLAMP_MIN: 0x20,
  SCHED_FLAG_UTIL_CLAMP_MAX: 0x40,
};
const MPOL_MODE: Record<MemoryPolicy["mode"], number> = {
  MPOL_DEFAULT: 0,
  MPOL_PREFERRED: 1,
  MPOL_BIND: 2,
  MPOL_INTERLEAVE: 3,
  MPOL_LOCAL: 4,
  MPOL_PREFERRED_MANY: 5,
  MPOL_WEIGHTED_INTERLEAVE: 6,
};
const MPOL_FLAG: Record<NonNullable<MemoryPolicy["flags"]>[number], number> = {
  MPOL_F_NUMA_BALANCING: 1 << 13,
  MPOL_F_RELATIVE_NODES: 1 << 14,
  MPOL_F_STATIC_NODES: 1 << 15,
};

const flagsOf = <K extends string>(names: K[] | undefined, table: Record<K, number>) => (names ?? []).reduce((f, n) => f | table[n], 0);

/** The process's attributes; `linux` gives the container-wide ones (personality, memory policy). */
export function processAttrs(proc: Process, linux: Linux | undefined): ProcessAttrs {
  const out: ProcessAttrs = {};
  if (linux?.personality) out.personality = PERSONALITY[linux.personality.domain];
  const io = proc.ioPriority;
  if (io) out.ioPriority = (IOPRIO_CLASS[io.class] << 13) | (io.priority ?? 0);
  const s = proc.scheduler;
  if (s)
    out.scheduler = {
      policy: SCHED_POLICY[s.policy],
      flags: flagsOf(s.flags, SCHED_FLAG),
      nice: s.nice ?? 0,
      priority: s.priority ?? 0,
      runtime: s.runtime ?? 0,
      deadline: s.deadline ?? 0,
      period: s.period ?? 0,
    };
  const m = linux?.memoryPolicy;
  if (m) out.memoryPolicy = { mode: MPOL_MODE[m.mode] | flagsOf(m.flags, MPOL_FLAG), nodes: listNumbers(m.nodes ?? "") };
  return out;
}
