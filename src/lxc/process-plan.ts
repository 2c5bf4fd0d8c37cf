// The one process plan: what a container process is made of — args, env,
// cwd, umask, user, the five capability sets, rlimits, no_new_privs, the
// seccomp rules, the attributes liblxc has no key for, the AppArmor profile,
// whether HOME comes from the container's /etc/passwd. The same pure function serves init (the
// container's process), `exec` (another process in it) and startContainer
// hooks (which run under the process's plan), so their security contexts
// cannot drift apart.
import type { ProcessPlan } from "../contract/plan.ts";
import { listNumbers } from "../spec/lists.ts";
import { confiningProfile } from "../spec/process.ts";
import { RLIMITS } from "../spec/rlimits.ts";
import type { Linux, Process } from "../spec/types.ts";
import { processCapabilities } from "./capabilities.ts";
import { processAttrs } from "./process-attrs.ts";
import { seccompPlan } from "./seccomp.ts";

export interface ProcessContext {
  /** The host kernel's highest capability number (/proc/sys/kernel/cap_last_cap). */
  lastCap: number;
  warn: (message: string) => void;
  /** Notes for --debug only. */
  debug?: (message: string) => void;
}

/** runc's umask when process.user.umask is unset. */
export const DEFAULT_UMASK = 0o022;

/**
 * `proc` as a plan; `linux` gives the container-wide parts (the seccomp
 * profile, personality, memory policy). Both were checked (src/spec): a plan
 * is never refused.
 */
export function processPlan(proc: Process, linux: Linux | undefined, ctx: ProcessContext): ProcessPlan {
  const env = proc.env ?? [];
  const final = proc.execCPUAffinity?.final;
  return {
    args: proc.args,
    env,
    cwd: proc.cwd,
    umask: proc.user.umask ?? DEFAULT_UMASK,
    user: { uid: proc.user.uid, gid: proc.user.gid, additionalGids: proc.user.additionalGids ?? [] },
    capabilities: processCapabilities(proc, ctx.warn, ctx.debug),
    lastCap: ctx.lastCap,
    rlimits: (proc.rlimits ?? []).map((r) => ({ resource: RLIMITS[r.type]!, soft: r.soft, hard: r.hard })),
    noNewPrivileges: !!proc.noNewPrivileges,
    seccomp: linux?.seccomp ? seccompPlan(linux.seccomp) : undefined,
    attrs: processAttrs(proc, linux),
    lookupHome: !env.some((e) => e.startsWith("HOME=")),
    finalCpus: final === undefined ? undefined : listNumbers(final),
    apparmorProfile: confiningProfile(proc.apparmorProfile),
    selinuxLabel: proc.selinuxLabel || undefined,
  };
}

/** process.execCPUAffinity.initial as CPU numbers (exec only: applied before joining the container's cgroups). */
export function initialCpus(proc: Process): number[] | undefined {
  const initial = proc.execCPUAffinity?.initial;
  return initial === undefined ? undefined : listNumbers(initial);
}
