/*
 * The steps of the native helpers that can fail, in one list for C and
 * TypeScript: a failure travels as its step number (and errno), and
 * src/contract/steps.ts names the same steps in the same order (a unit test
 * reads this file and compares). Add new steps at the end only.
 */
#define LXCRI_STEPS(X)                                                        \
	X(NONE, "")                                                           \
	X(PLAN, "reading the process plan")                                   \
	X(SECCOMP, "loading the seccomp filter")                              \
	X(CAPBSET, "dropping the capability bounding set")                    \
	X(SETGROUPS, "setgroups")                                             \
	X(SETGID, "setresgid")                                                \
	X(KEEPCAPS, "keeping capabilities across setuid")                     \
	X(SETUID, "setresuid")                                                \
	X(CAPSET, "capset")                                                   \
	X(AMBIENT, "raising ambient capabilities")                            \
	X(RLIMITS, "setting rlimits")                                         \
	X(EXEC, "exec")                                                       \
	X(PERSONALITY, "personality (linux.personality)")                     \
	X(SCHED, "sched_setattr (process.scheduler)")                         \
	X(IOPRIO, "ioprio_set (process.ioPriority)")                          \
	X(MEMPOLICY, "set_mempolicy (linux.memoryPolicy)")                    \
	X(CHDIR, "chdir to process.cwd")                                      \
	X(NNP, "setting no_new_privs")                                        \
	X(CGROUPS, "joining the container's cgroups")                         \
	X(SETNS, "joining the container's namespaces")                        \
	X(CLONE, "cloning the process")                                       \
	X(CPUS_INITIAL, "sched_setaffinity (process.execCPUAffinity.initial)") \
	X(CPUS_FINAL, "sched_setaffinity (process.execCPUAffinity.final)")    \
	X(HOME, "looking up HOME in the container's /etc/passwd")            \
	X(LOOKUP, "looking up process.args[0]")                               \
	X(TERMINAL, "setting up the terminal")                                \
	X(DEVICES, "creating linux.devices")                                  \
	X(HOSTNAME, "setting the hostname or domain name")                    \
	X(MASK, "masking or protecting a path")                               \
	X(MOUNT_ATTR, "applying recursive mount options")                     \
	X(PROPAGATION, "setting mount propagation")                     \
	X(DETACH, "detaching the runtime's own mounts")                       \
	X(CHANNEL, "talking to lxcri")                                        \
	X(HOOK, "a startContainer hook failed")                               \
	X(CGROUP_VIEW, "binding the container's own cgroups")                 \
	X(TTY, "making the pty the controlling terminal")                     \
	X(CONFIG, "liblxc rejected a config item")                            \
	X(START, "liblxc could not start the container")                      \
	X(SHARED_SOURCE, "cloning the source of a shared bind mount")         \
	X(SHARED_MOUNT, "mounting a shared bind mount in the container")      \
	X(APPARMOR, "setting the AppArmor profile (process.apparmorProfile)") \
	X(IDMAP_SOURCE, "cloning the source of an id-mapped mount")           \
	X(IDMAP_USERNS, "making the user namespace of an id-mapped mount")    \
	X(IDMAP_MOUNT, "mounting an id-mapped mount in the container")        \
	X(COPY_UP, "copying the image's files into a tmpfs (tmpcopyup)")       \
	X(SELINUX, "setting the SELinux label (process.selinuxLabel)")         \
	X(MOUNT_LABEL, "labelling a mount (linux.mountLabel)")             \
	X(STAGED_MOUNT, "mounting a filesystem before liblxc (its options)")

#define LXCRI_STEP_ENUM(name, text) STEP_##name,
enum lxcri_step { LXCRI_STEPS(LXCRI_STEP_ENUM) STEP_COUNT };
