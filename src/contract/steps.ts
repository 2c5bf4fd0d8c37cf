// The native helpers' failure steps, in the order of ffi/native/steps.h (a
// unit test compares the two): a failure arrives as its step number.
export const STEPS = [
  ["NONE", ""],
  ["PLAN", "reading the process plan"],
  ["SECCOMP", "loading the seccomp filter"],
  ["CAPBSET", "dropping the capability bounding set"],
  ["SETGROUPS", "setgroups"],
  ["SETGID", "setresgid"],
  ["KEEPCAPS", "keeping capabilities across setuid"],
  ["SETUID", "setresuid"],
  ["CAPSET", "capset"],
  ["AMBIENT", "raising ambient capabilities"],
  ["RLIMITS", "setting rlimits"],
  ["EXEC", "exec"],
  ["PERSONALITY", "personality (linux.personality)"],
  ["SCHED", "sched_setattr (process.scheduler)"],
  ["IOPRIO", "ioprio_set (process.ioPriority)"],
  ["MEMPOLICY", "set_mempolicy (linux.memoryPolicy)"],
  ["CHDIR", "chdir to process.cwd"],
  ["NNP", "setting no_new_privs"],
  ["CGROUPS", "joining the container's cgroups"],
  ["SETNS", "joining the container's namespaces"],
  ["CLONE", "cloning the process"],
  ["CPUS_INITIAL", "sched_setaffinity (process.execCPUAffinity.initial)"],
  ["CPUS_FINAL", "sched_setaffinity (process.execCPUAffinity.final)"],
  ["HOME", "looking up HOME in the container's /etc/passwd"],
  ["LOOKUP", "looking up process.args[0]"],
  ["TERMINAL", "setting up the terminal"],
  ["DEVICES", "creating linux.devices"],
  ["HOSTNAME", "setting the hostname or domain name"],
  ["MASK", "masking or protecting a path"],
  ["MOUNT_ATTR", "applying recursive mount options"],
  ["PROPAGATION", "setting mount propagation"],
  ["DETACH", "detaching the runtime's own mounts"],
  ["CHANNEL", "talking to lxcri"],
  ["HOOK", "a startContainer hook failed"],
  ["CGROUP_VIEW", "binding the container's own cgroups"],
  ["TTY", "making the pty the controlling terminal"],
  ["CONFIG", "liblxc rejected a config item"],
  ["START", "liblxc could not start the container"],
  ["SHARED_SOURCE", "cloning the source of a shared bind mount"],
  ["SHARED_MOUNT", "mounting a shared bind mount in the container"],
  ["APPARMOR", "setting the AppArmor profile (process.apparmorProfile)"],
  ["IDMAP_SOURCE", "cloning the source of an id-mapped mount"],
  ["IDMAP_USERNS", "making the user namespace of an id-mapped mount"],
  ["IDMAP_MOUNT", "mounting an id-mapped mount in the container"],
  ["COPY_UP", "copying the image's files into a tmpfs (tmpcopyup)"],
  ["SELINUX", "setting the SELinux label (process.selinuxLabel)"],
  ["MOUNT_LABEL", "labelling a mount (linux.mountLabel)"],
  ["STAGED_MOUNT", "mounting a filesystem before liblxc (its options)"],
] as const;

export type StepName = (typeof STEPS)[number][0];

// A loop, not Object.fromEntries and map: `start` loads this, and those builtins cost a call their
// first use (docs/performance.md, "Issue 23, round 5").
export const STEP = {} as Record<StepName, number>;
for (let i = 0; i < STEPS.length; i++) STEP[STEPS[i]![0]] = i;

/** What a failed step number means. */
export function stepText(step: number): string {
  return STEPS[step]?.[1] ?? `step ${step}`;
}
