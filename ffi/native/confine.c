/*
 * The one step that turns a process of ours into a container process: the
 * user's process at start, each startContainer hook, each exec'd process.
 * In runc's order: what liblxc has no key for first (personality, scheduler,
 * I/O priority, memory policy: they need capabilities), seccomp early when
 * no_new_privs is off (loading needs CAP_SYS_ADMIN then), the capability
 * bounding set, groups, gid, uid keeping capabilities, capset, the ambient
 * set, rlimits (the process's own: last, so they never bind us), seccomp late
 * when no_new_privs is on, then execve with a PATH search as execvp does.
 * Nothing in between allocates: an RLIMIT_AS for the process may be in force.
 * init (no startContainer hooks) does all but the fds, the seccomp filter and
 * execve at create (exec_prepare): what it still does under the rlimits while
 * it waits for start (frames on the stack, close, fcntl) allocates nothing either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxcri.h"

#define SECCOMP_SET_MODE_FILTER 1
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1u << 3)
#define IOPRIO_WHO_PROCESS 1
#define MAX_NODES 1024

struct sock_fprog_ {
	unsigned short len;
	void *filter;
};

/* setgroups(2) gave EPERM although CAP_SETGID is effective: the user namespace denies it. */
static int setgroups_denied(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (d[0].effective >> CAP_SETGID) & 1;
}

static int has(uint64_t set, int cap)
{
	return (set >> cap) & 1;
}

/* Where the seccomp notify fd goes: the status socket of exec_as (init's channel to start, exec's to lxcri exec). */
static int listener_socket = -1;

/*
 * With SCMP_ACT_NOTIFY rules the kernel gives a notify fd: it goes over the
 * status socket at once (the runtime hands it to the seccomp agent) and is
 * closed here, so the process never holds it: a process with its own notify
 * fd could answer its own notifications. Until the agent has it, a notified
 * syscall waits (sendmsg is never notified: src/spec/seccomp.ts).
 */
static int load_seccomp(const struct process_plan *p)
{
	struct sock_fprog_ prog = {(unsigned short)(p->seccomp_len / 8), p->seccomp};
	int r = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags, &prog);
	if (r < 0 || !(p->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return r < 0 ? -1 : 0;
	int sent = send_fd_frame(listener_socket, FRAME_LISTENER, r);
	int saved = errno;
	close(r);
	errno = saved;
	return sent;
}

/* What liblxc has no key for (they need capabilities), no_new_privs, the final CPU affinity. */
static int apply_attrs(const struct process_plan *p)
{
	if ((p->attrs & ATTR_PERSONALITY) && syscall(SYS_personality, (unsigned long)p->personality) == -1)
		return STEP_PERSONALITY;
	if ((p->attrs & ATTR_SCHED) && syscall(SYS_sched_setattr, 0, p->sched_attr, 0) != 0)
		return STEP_SCHED;
	if ((p->attrs & ATTR_IOPRIO) && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, p->ioprio) != 0)
		return STEP_IOPRIO;
	if ((p->attrs & ATTR_MEMPOLICY) && syscall(SYS_set_mempolicy, p->mempolicy_mode, p->nodemask, MAX_NODES + 1) != 0)
		return STEP_MEMPOLICY;
	if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return STEP_NNP;
	if (p->has_final_cpus && syscall(SYS_sched_setaffinity, 0, sizeof p->final_cpus, p->final_cpus) != 0)
		return STEP_CPUS_FINAL;
	return 0;
}

/* The capability bounding set, the groups and the gid: CAP_SYS_ADMIN stays effective. */
static int drop_bounding_and_gids(const struct process_plan *p)
{
	for (uint32_t c = 0; c <= p->last_cap && c < 64; c++)
		if (!has(p->caps[0], (int)c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL)
			return STEP_CAPBSET;
	/*
	 * EPERM with CAP_SETGID: a user namespace whose setgroups is "deny" (rootless: a user may
	 * map its own gid only so). The inherited groups cannot be changed there; runc's rootless
	 * containers keep them too, and refuse only additional groups.
	 */
	if (syscall(SYS_setgroups, p->ngroups, p->groups) != 0 && !(errno == EPERM && p->ngroups == 0 && setgroups_denied()))
		return STEP_SETGROUPS;
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) != 0)
		return STEP_SETGID;
	return 0;
}

/* The uid keeping the capabilities asked for, the capability sets, the ambient set, the rlimits. */
static int set_uid_and_caps(const struct process_plan *p)
{
	if (p->uid != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
		return STEP_KEEPCAPS;
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) != 0)
		return STEP_SETUID;
	uint32_t header[2] = {0x20080522, 0}; /* _LINUX_CAPABILITY_VERSION_3, this thread */
	uint32_t data[6];
	for (int i = 0; i < 2; i++) {
		data[i * 3 + 0] = (uint32_t)(p->caps[1] >> (32 * i)); /* effective */
		data[i * 3 + 1] = (uint32_t)(p->caps[2] >> (32 * i)); /* permitted */
		data[i * 3 + 2] = (uint32_t)(p->caps[3] >> (32 * i)); /* inheritable */
	}
	if (syscall(SYS_capset, header, data) != 0)
		return STEP_CAPSET;
	for (uint32_t c = 0; c <= p->last_cap && c < 64; c++)
		if (has(p->caps[4], (int)c) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) != 0)
			return STEP_AMBIENT;
	for (uint32_t i = 0; i < p->nrlimits; i++) {
		uint64_t lim[2] = {p->rlimits[i].soft, p->rlimits[i].hard};
		if (syscall(SYS_prlimit64, 0, p->rlimits[i].resource, lim, NULL) != 0)
			return STEP_RLIMITS;
	}
	return 0;
}

/*
 * The security context up to (not including) the seccomp filter loaded late. 0, or the step
 * that failed (errno set).
 */
static int apply_context(const struct process_plan *p)
{
	int step = apply_attrs(p);
	if (!step && p->seccomp_len && p->seccomp_first && load_seccomp(p) != 0)
		step = STEP_SECCOMP;
	if (!step)
		step = drop_bounding_and_gids(p);
	return step ? step : set_uid_and_caps(p);
}

/* The seccomp filter when it loads late (no_new_privs on), then execve of each candidate in `paths` (NULL-terminated). */
static int seccomp_and_exec(const struct process_plan *p, char *const paths[], char *const argv[], char *const envp[])
{
	if (p->seccomp_len && !p->seccomp_first && load_seccomp(p) != 0)
		return STEP_SECCOMP;
	int denied = 0;
	for (; *paths; paths++) {
		execve(*paths, argv, envp);
		if (errno == EACCES)
			denied = 1;
		else if (errno != ENOENT && errno != ENOTDIR)
			return STEP_EXEC;
	}
	errno = denied ? EACCES : ENOENT;
	return STEP_EXEC;
}

static const char *env_value(char *const envp[], const char *key)
{
	size_t n = strlen(key);
	for (; envp && *envp; envp++)
		if (!strncmp(*envp, key, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define MAX_CANDIDATES 256

/* Where execvp would look for `name`, as a NULL-terminated list in `store` (PATH_MAX each). */
static int candidates(const char *name, char *const envp[], char *out[], char (*store)[PATH_MAX])
{
	int n = 0;
	if (strchr(name, '/')) {
		snprintf(store[0], PATH_MAX, "%s", name);
		out[n++] = store[0];
	} else {
		const char *path = env_value(envp, "PATH");
		if (!path)
			path = DEFAULT_PATH;
		while (n < MAX_CANDIDATES - 1) {
			const char *colon = strchr(path, ':');
			size_t len = colon ? (size_t)(colon - path) : strlen(path);
			if (snprintf(store[n], PATH_MAX, "%.*s/%s", (int)len, len ? path : ".", name) < PATH_MAX)
				out[n] = store[n], n++;
			if (!colon)
				break;
			path = colon + 1;
		}
	}
	out[n] = NULL;
	return n;
}

static char candidate_store[MAX_CANDIDATES][PATH_MAX];

/* Closes every fd from `from` on except `keep` (the close-on-exec status fd). */
static void close_from(uint32_t from, int keep)
{
	if (keep >= (int)from) {
		if ((uint32_t)keep > from)
			syscall(SYS_close_range, from, keep - 1, 0);
		syscall(SYS_close_range, keep + 1, ~0U, 0);
	} else
		syscall(SYS_close_range, from, ~0U, 0);
}

int confine_exec(const struct process_plan *p, const char *path, char *const argv[], char *const envp[])
{
	char *paths[MAX_CANDIDATES];
	candidates(path, envp, paths, candidate_store);
	int step = apply_context(p);
	return step ? step : seccomp_and_exec(p, paths, argv, envp);
}

/*
 * HOME from the container's /etc/passwd (as runc does), read inside the
 * container: no magic links (/proc/<pid>/root must not lead out), a regular
 * file of at most 4 MiB. A missing file or user gives "/".
 */
int lookup_home(uint32_t uid, char *out, size_t outlen)
{
	snprintf(out, outlen, "/");
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, .resolve = RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/etc/passwd", &how, sizeof how);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (4 << 20)) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	size_t size = (size_t)st.st_size;
	char *text = malloc(size + 1);
	size_t got = 0;
	while (text && got < size) {
		ssize_t r = read(fd, text + got, size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!text)
		return -1;
	text[got] = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		/* name:password:uid:gid:gecos:home:shell */
		char *f[7] = {0};
		int n = 0;
		for (char *s = line; n < 7; n++) {
			f[n] = s;
			s = strchr(s, ':');
			if (!s)
				break;
			*s++ = 0;
		}
		if (n >= 5 && f[2] && f[5] && *f[5]) {
			char *end;
			unsigned long u = strtoul(f[2], &end, 10);
			if (*f[2] && !*end && u == uid) {
				snprintf(out, outlen, "%s", f[5]);
				break;
			}
		}
	}
	free(text);
	return 0;
}

/* process.args[0] as execvp would find it, checked now so that a missing program fails create (as with runc). */
int find_program(const struct process_plan *p, char *out, size_t outlen)
{
	char *paths[MAX_CANDIDATES];
	candidates(p->args.items[0], p->env.items, paths, candidate_store);
	int denied = 0;
	for (char **c = paths; *c; c++) {
		struct stat st;
		if (stat(*c, &st) != 0)
			continue;
		if (!S_ISREG(st.st_mode)) {
			denied = 1;
			continue;
		}
		if (access(*c, X_OK) != 0) {
			denied = 1;
			continue;
		}
		snprintf(out, outlen, "%s", *c);
		return 0;
	}
	errno = denied ? EACCES : ENOENT;
	return -1;
}

/* The LSM labels for the next execve: this task, before no_new_privs (apparmor.c, selinux.c). */
static int label_exec(const struct process_plan *p)
{
	if (p->apparmor && apparmor_exec(p->apparmor) != 0)
		return STEP_APPARMOR;
	if (p->selinux && selinux_exec(p->selinux) != 0)
		return STEP_SELINUX;
	return 0;
}

/*
 * Only the stdio, the fds below keep_fds and `status_fd` (made close-on-exec: EOF on it is
 * how our parent learns the exec worked) stay open, and the stdio blocking.
 */
static void keep_only_process_fds(const struct process_plan *p, int status_fd)
{
	/* a procfs fd (the host's, for exec) must not reach the process, whatever keep_fds says */
	if (proc_root >= 0) {
		close(proc_root);
		proc_root = -1;
	}
	for (int fd = 0; fd <= 2; fd++) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK))
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	close_from(p->keep_fds, status_fd);
	listener_socket = status_fd;
	if (status_fd >= 0)
		fcntl(status_fd, F_SETFD, FD_CLOEXEC);
}

/*
 * cwd (checked to be inside the container: a leaked directory fd must not become it), umask,
 * HOME when asked (*envp then points to a copy with it added).
 */
static int enter_cwd(const struct process_plan *p, char *const **envp)
{
	if (chdir(p->cwd) != 0)
		return STEP_CHDIR;
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd) || cwd[0] != '/') {
		errno = ENOENT;
		return STEP_CHDIR;
	}
	umask(p->umask);
	if (p->lookup_home) {
		static char home[PATH_MAX + 8];
		char dir[PATH_MAX];
		if (lookup_home(p->uid, dir, sizeof dir) != 0)
			return STEP_HOME;
		snprintf(home, sizeof home, "HOME=%s", dir);
		size_t n = 0;
		while (*envp && (*envp)[n])
			n++;
		char **with = calloc(n + 2, sizeof(char *));
		if (!with)
			return STEP_HOME;
		if (n)
			memcpy(with, *envp, n * sizeof(char *));
		with[n] = home;
		*envp = with;
	}
	return 0;
}

/*
 * Runs `path` (PATH-searched when it has no slash) as a process of the plan:
 * the AppArmor profile and the SELinux label first (this task, before
 * no_new_privs: apparmor.c, selinux.c), then only the process's fds stay open,
 * cwd, umask, HOME when asked, then confine_exec. Returns only on failure, with
 * the step (errno set).
 */
int exec_as(const struct process_plan *p, int status_fd, const char *path, char *const argv[], char *const envp[])
{
	reset_signals();
	int step = label_exec(p);
	if (step)
		return step;
	keep_only_process_fds(p, status_fd);
	if ((step = enter_cwd(p, &envp)))
		return step;
	return confine_exec(p, path, argv, envp);
}

/*
 * The process of init's plan in two halves (init.c: when no startContainer hook runs in
 * between). exec_prepare does at create what exec_as does before the seccomp filter: signals,
 * labels, cwd, umask, HOME, personality and the like, the bounding set, groups and gid, and —
 * when the filter loads late (no_new_privs on) or there is none — the uid, capabilities and
 * rlimits too; init stays as undumpable as it was. exec_prepared does at start the rest: the
 * fds, the filter where it always loaded (a filter loaded without no_new_privs needs
 * CAP_SYS_ADMIN, so then the uid and capabilities follow it, as before), and execve: of
 * `program` when given (found by init as the process's user in its cwd, as runc execs what it
 * looked up at create), else of args[0] searched as exec_as searches.
 */
static char *const *prepared_env;

/* The filter must load before the capabilities go: the uid change waits for start. */
static int filter_first(const struct process_plan *p)
{
	return p->seccomp_len && p->seccomp_first;
}

int exec_prepare(const struct process_plan *p)
{
	reset_signals();
	/* until start has let us go, a write to a peer that is gone must fail, not kill us */
	signal(SIGPIPE, SIG_IGN);
	int step = label_exec(p);
	/*
	 * The procfs fd was for the labels alone: closed before the chdir, so that a cwd of
	 * /proc/self/fd/N (CVE-2024-21626) finds no directory fd but the process's own (init's
	 * channel and the pty master, still open until start, are no directories).
	 */
	if (proc_root >= 0) {
		close(proc_root);
		proc_root = -1;
	}
	prepared_env = p->env.items;
	if (!step)
		step = enter_cwd(p, &prepared_env);
	if (!step)
		step = apply_attrs(p);
	/* CAP_SYS_ADMIN stays effective through these: a filter loaded at start still can be */
	if (!step)
		step = drop_bounding_and_gids(p);
	if (!step && !filter_first(p))
		step = set_uid_and_caps(p);
	/*
	 * Changing the uid or gid set the dumpable flag to fs.suid_dumpable, which a host may have at
	 * 1 or 2: init stays out of reach of ptrace, /proc/<pid>/{fd,mem,environ} and pidfd_getfd for
	 * everything in the container, its user's processes too, while it waits (init.c).
	 */
	prctl(PR_SET_DUMPABLE, 0);
	return step;
}

int exec_prepared(const struct process_plan *p, int status_fd, char *program)
{
	signal(SIGPIPE, SIG_DFL);
	keep_only_process_fds(p, status_fd);
	if (filter_first(p)) {
		if (load_seccomp(p) != 0)
			return STEP_SECCOMP;
		int step = set_uid_and_caps(p);
		if (step)
			return step;
	}
	char *one[2] = {program, NULL}, *paths[MAX_CANDIDATES];
	if (!program)
		candidates(p->args.items[0], prepared_env, paths, candidate_store);
	return seccomp_and_exec(p, program ? one : paths, p->args.items, prepared_env);
}

const char *failed_subject(const struct process_plan *p, int step, const char *path)
{
	if (step == STEP_SELINUX && p->selinux)
		return p->selinux;
	return step == STEP_APPARMOR && p->apparmor ? p->apparmor : path;
}

int exec_process(const struct process_plan *p, int status_fd)
{
	return exec_as(p, status_fd, p->args.items[0], p->args.items, p->env.items);
}
