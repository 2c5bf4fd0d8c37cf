/*
 * The launcher's last step, in C: once a seccomp filter is on the thread, no
 * JavaScript may run (Bun creates threads on demand, and a profile that
 * answers clone3 with EPERM makes that abort). So the filter, the bounding
 * set, the user switch, capset, the ambient set and execve happen here, in
 * runc's order, with nothing in between. Compiled by the launcher with
 * bun:ffi cc(); no headers (TinyCC, -nostdinc).
 *
 * filter: a BPF program (sock_fprog), loaded with seccomp(2): no allocation,
 *         since the process's RLIMIT_AS may be lower than Bun's address space
 * ids:  uid, gid, ngroups, cap_last_cap, nrlimits, seccomp flags
 * caps: bounding, effective, permitted, inheritable, ambient as {low, high} u32 pairs
 * rlimits: nrlimits × {resource, soft, hard} as u64, set last: they are the process's, not ours
 * attrs: what liblxc has no key for, set first, with every capability and no filter yet:
 *        [0] which are set (ATTR_*), [1] personality, [2] I/O priority, [3] memory policy mode,
 *        [4..9] struct sched_attr (48 bytes), [10..25] the memory policy's node mask (1024 bits)
 * paths: where to look for the program, tried in order as execvp does (the
 *        PATH search must happen in the container's mount namespace)
 * libc's syscall, execve and __errno_location come in as pointers: a container
 * has no libc.so for TinyCC to link against.
 * Returns only on failure: the negative step number (errno is still set).
 *
 * lxcri_attach_exec is the same step for `lxcri exec`, in a process that has
 * entered the container (lxcri_enter_exec); it reports a failure as
 * {step, errno} on a close-on-exec pipe, so that EOF alone tells exec that
 * execve succeeded.
 *
 * lxcri_enter_exec: the container has no liblxc monitor once created (README:
 * the pid contract), so `exec` enters it itself, as runc's nsenter does: a
 * forked (single-threaded, C only) child joins the container's cgroups and
 * namespaces, then clones the process with CLONE_PARENT — so it is the
 * caller's child, inside the container's pid namespace — reports its pid and
 * exits.
 */
typedef unsigned int u32;
typedef long (*syscall_fn)(long, ...);
typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef unsigned long u64;
typedef int *(*errno_fn)(void);
struct sock_fprog {
	unsigned short len; /* instructions, 8 bytes each */
	void *filter;
};

#define SYS_seccomp 317
#define SECCOMP_SET_MODE_FILTER 1
#define SYS_prlimit64 302
#define SYS_setgroups 116
#define SYS_setresuid 117
#define SYS_setresgid 119
#define SYS_capset 126
#define SYS_prctl 157
#define PR_SET_KEEPCAPS 8
#define PR_CAPBSET_DROP 24
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define SYS_personality 135
#define SYS_set_mempolicy 238
#define SYS_ioprio_set 251
#define SYS_sched_setattr 314
#define IOPRIO_WHO_PROCESS 1
#define ATTR_PERSONALITY 1
#define ATTR_IOPRIO 2
#define ATTR_SCHED 4
#define ATTR_MEMPOLICY 8
#define MAX_NODES 1024
#define PR_SET_NO_NEW_PRIVS 38
#define SYS_write 1
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_chdir 80
#define SYS_umask 95
#define SYS_close_range 436
#define CLOSE_RANGE_CLOEXEC 4
#define ENOENT 2
#define EACCES 13
#define ENOTDIR 20
#define SYS_dup2 33
#define SYS_clone 56
#define SYS_setsid 112
#define SYS_ioctl 16
#define SYS_exit_group 231
#define SYS_setns 308
#define TIOCSCTTY 0x540e
#define CLONE_PARENT 0x00008000
#define SIGCHLD 17
#define SYS_sched_setaffinity 203
#define CPU_MASK_BYTES 128

static int has(const u32 *set, int cap) { return (set[cap >> 5] >> (cap & 31)) & 1; }

int lxcri_exec(struct sock_fprog *filter, int filter_first, const u32 *ids, const u32 *groups, const u32 *caps,
	       const u64 *rlimits, const u64 *attrs, char **paths, char **argv, char **envp, syscall_fn syscall,
	       execve_fn execve, errno_fn errno_loc)
{
	u32 uid = ids[0], gid = ids[1], ngroups = ids[2], nrlimits = ids[4], flags = ids[5];
	int last = (int)ids[3];
	u32 header[2] = {0x20080522, 0}; /* _LINUX_CAPABILITY_VERSION_3, this thread */
	u32 data[6];

	if ((attrs[0] & ATTR_PERSONALITY) && syscall(SYS_personality, attrs[1]) == -1)
		return -12;
	if ((attrs[0] & ATTR_SCHED) && syscall(SYS_sched_setattr, 0, attrs + 4, 0) != 0)
		return -13;
	if ((attrs[0] & ATTR_IOPRIO) && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, attrs[2]) != 0)
		return -14;
	if ((attrs[0] & ATTR_MEMPOLICY) && syscall(SYS_set_mempolicy, attrs[3], attrs + 10, MAX_NODES + 1) != 0)
		return -15;
	/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: before the capabilities go. */
	if (filter && filter_first && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, filter) != 0)
		return -1;
	for (int c = 0; c <= last; c++)
		if (!has(caps, c) && syscall(SYS_prctl, PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
			return -2;
	if (syscall(SYS_setgroups, ngroups, groups) != 0)
		return -3;
	if (syscall(SYS_setresgid, gid, gid, gid) != 0)
		return -4;
	if (uid != 0 && syscall(SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		return -5;
	if (syscall(SYS_setresuid, uid, uid, uid) != 0)
		return -6;
	for (int i = 0; i < 2; i++) {
		data[i * 3 + 0] = caps[2 + i]; /* effective */
		data[i * 3 + 1] = caps[4 + i]; /* permitted */
		data[i * 3 + 2] = caps[6 + i]; /* inheritable */
	}
	if (syscall(SYS_capset, header, data) != 0)
		return -7;
	for (int c = 0; c <= last; c++)
		if (has(caps + 8, c) && syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) != 0)
			return -8;
	for (u32 i = 0; i < nrlimits; i++)
		if (syscall(SYS_prlimit64, 0, rlimits[i * 3], rlimits + i * 3 + 1, 0) != 0)
			return -9;
	if (filter && !filter_first && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, filter) != 0)
		return -10;
	int denied = 0;
	for (; *paths; paths++) {
		execve(*paths, argv, envp);
		int e = *errno_loc();
		if (e == EACCES)
			denied = 1;
		else if (e != ENOENT && e != ENOTDIR)
			return -11;
	}
	if (denied)
		*errno_loc() = EACCES;
	return -11;
}

struct attach_exec {
	struct sock_fprog *filter;
	long filter_first;
	const u32 *ids, *groups, *caps;
	const u64 *rlimits, *attrs;
	char **paths, **argv, **envp;
	syscall_fn syscall;
	execve_fn execve;
	errno_fn errno_loc;
	const char *cwd;
	long umask, no_new_privs, keep_fds, status_fd;
	long tty_fd; /* -1, or the pty slave to make stdio and the controlling terminal */
	const u64 *final_cpus; /* NULL, or process.execCPUAffinity.final as a 1024-bit mask */
};

int lxcri_attach_exec(struct attach_exec *a)
{
	syscall_fn sys = a->syscall;
	int step;
	u64 none[4] = {0, 0, 0, 0}; /* struct sigaction with SIG_DFL, and an empty mask */

	/* Bun ignores SIGPIPE and SIGXFSZ and blocks others: ignored and blocked signals survive execve. */
	for (int sig = 1; sig < 32; sig++)
		if (sig != 9 && sig != 19)
			sys(SYS_rt_sigaction, sig, none, 0, 8);
	sys(SYS_rt_sigprocmask, 2 /* SIG_SETMASK */, none, 0, 8);
	if (a->tty_fd >= 0) {
		sys(SYS_setsid);
		for (int fd = 0; fd <= 2; fd++)
			sys(SYS_dup2, a->tty_fd, fd);
		sys(SYS_ioctl, 0, TIOCSCTTY, 0);
	}
	/* Only stdio and the preserved fds reach the process; the status pipe closes with the exec. */
	sys(SYS_close_range, a->keep_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	if (sys(SYS_chdir, a->cwd) != 0)
		step = 16;
	else if (a->no_new_privs && sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		step = 17;
	else if (a->final_cpus && sys(SYS_sched_setaffinity, 0, CPU_MASK_BYTES, a->final_cpus) != 0)
		step = 22;
	else {
		sys(SYS_umask, a->umask);
		step = -lxcri_exec(a->filter, (int)a->filter_first, a->ids, a->groups, a->caps, a->rlimits, a->attrs, a->paths,
				   a->argv, a->envp, a->syscall, a->execve, a->errno_loc);
	}
	int report[2] = {step, *a->errno_loc()};
	sys(SYS_write, a->status_fd, report, sizeof report);
	return report[1] == ENOENT ? 127 : 126;
}

struct enter {
	const int *nsfds; /* /proc/<init>/ns/<type> of those that differ from ours, the user namespace last */
	long nns;
	const int *cgfds; /* cgroup.procs of each of the container's cgroups, open for writing */
	long ncg;
	long pid_fd; /* the process's pid goes here (4 bytes) */
	const u64 *initial_cpus; /* NULL, or process.execCPUAffinity.initial: before joining the cgroups */
};

/* Returns the pid of the intermediate child (to reap), or -1; never returns in the children. */
long lxcri_enter_exec(struct enter *e, struct attach_exec *a)
{
	syscall_fn sys = a->syscall;
	long pid = sys(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid != 0)
		return pid;
	int step = 0;
	if (e->initial_cpus && sys(SYS_sched_setaffinity, 0, CPU_MASK_BYTES, e->initial_cpus) != 0)
		step = 21;
	/* cgroups first: writing "0" moves this process, and it is still the host's root */
	for (long i = 0; i < e->ncg && !step; i++)
		if (sys(SYS_write, e->cgfds[i], "0", 1) != 1)
			step = 18;
	for (long i = 0; i < e->nns && !step; i++)
		if (sys(SYS_setns, e->nsfds[i], 0) != 0)
			step = 19;
	if (!step) {
		long child = sys(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
		if (child == 0)
			sys(SYS_exit_group, lxcri_attach_exec(a));
		if (child > 0) {
			int p = (int)child;
			sys(SYS_write, e->pid_fd, &p, sizeof p);
			sys(SYS_exit_group, 0);
		}
		step = 20;
	}
	int report[2] = {step, *a->errno_loc()};
	sys(SYS_write, a->status_fd, report, sizeof report);
	sys(SYS_exit_group, 1);
	return -1;
}
