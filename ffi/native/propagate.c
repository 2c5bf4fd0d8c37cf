/*
 * Mount propagation, as runc leaves it. liblxc turns the host's shared mounts into dependents
 * before it mounts anything (as runc's rslave of "/"), applies each mount entry's propagation
 * right after the mount (as runc), and then, after pivot_root, makes the container's whole
 * tree rshared (conf.c lxc_pivot_root): every mount in a peer group of its own, which runc's
 * containers never have. apply_propagation undoes that: the plan's steps (src/lxc/propagation.ts)
 * are MS_SLAVE | MS_REC on "/" first (a mount that was a dependent of the host's stays one, a
 * peer group liblxc invented goes), then each mount's own propagation options in the config's
 * order, then linux.rootfsPropagation. init applies them (init.c), or, with bind mounts in the
 * host's peer group, this hook before it mounts those.
 *
 * `lxcri-init propagate <report fd> <steps> [<path> <flags>]... [<source> <destination> <recursive> <set> <clr> <propagation>]...`:
 * bind mounts whose options ask for shared propagation ("shared", "rshared": Kubernetes'
 * Bidirectional volumes) while linux.rootfsPropagation is "shared" or "rshared", mounted so
 * that they are in the host's peer group, as runc's are then (its container's mounts stay the
 * host's peers): a mount made in the container appears on the host and one made on the host
 * appears in the container.
 *
 * liblxc cannot make them: before it applies any mount entry it turns every shared mount of
 * the container's mount namespace into a dependent one (conf.c turn_into_dependent_mounts),
 * so a bind made there is at best "shared:N master:M" (host → container only). Instead
 * liblxc runs this as lxc.hook.start-host, in the monitor's (the host's) namespaces after the
 * container's child has set up its mounts and pivoted, before it execs init; $LXC_PID is that
 * child. For each mount: open_tree(OPEN_TREE_CLONE) of the source here, in the host's mount
 * namespace (a clone of a shared mount is in its peer group), the per-mount attributes set
 * on the clone, then setns() into the container's mount namespace and move_mount() of the
 * clone onto the destination, resolved inside the container's root (openat2 RESOLVE_IN_ROOT
 * from /proc/$LXC_PID/root, made when missing). liblxc has bound the same source there as a
 * plain mount entry, in the config's order: the clone is stacked on it, so mountinfo keeps
 * the order the config gives while the container sees the clone. The propagation steps are
 * applied first (the root's as runc sets it before the mounts), so that they do not turn
 * these mounts into dependents afterwards; init then leaves propagation alone.
 *
 * Paths travel hex-encoded: liblxc runs a hook through `sh -c`, and hex needs no quoting.
 * <steps> is the number of <path> <flags> pairs (flags as mount(2) takes them); <recursive> is
 * 1 for "rbind" (AT_RECURSIVE), <set>/<clr> a struct mount_attr's attr_set and
 * attr_clr for the top mount (ro, nosuid, ...), <propagation> MS_SHARED (| MS_REC for
 * "rshared"), which makes the mount shared where the source was not (a peer group of its own,
 * as with runc); numbers are decimal. A failure is an ERROR frame on <report fd> (create reads it;
 * liblxc keeps that fd for the container, and init closes it) and exit status 1, which makes
 * liblxc fail the start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxcri.h"

#define MAX_MOUNTS 256
#define FIELDS 6

static int report = -1;

static __attribute__((noreturn)) void fail(int step, const char *what)
{
	send_error(report, step, errno, what);
	_exit(1);
}

char *unhex(const char *s)
{
	size_t n = strlen(s);
	if (n % 2)
		return NULL;
	char *out = malloc(n / 2 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return NULL;
		out[i] = (char)v;
	}
	out[n / 2] = 0;
	return strlen(out) == n / 2 ? out : NULL;
}

static int resolve(int root, const char *path, uint64_t flags)
{
	struct open_how how = {.flags = flags | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	return (int)syscall(SYS_openat2, root, path, &how, sizeof how);
}

/*
 * The destination's mount point inside the container (an O_PATH fd), made when missing:
 * each component is looked up from the container's root with RESOLVE_IN_ROOT (a symlink in
 * the image stays inside it), and a missing one is made in its parent, a directory, or for the
 * last component a file when the source is not a directory.
 */
int mount_point(int root, const char *dest, int dir)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof path, "%s", dest) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = resolve(root, path, O_PATH);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	for (char *s = path + 1;; s++) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = 0;
		int have = resolve(root, path, O_PATH);
		if (have < 0 && errno == ENOENT) {
			char *name = strrchr(path, '/');
			*name = 0;
			int parent = resolve(root, *path ? path : "/", O_PATH | O_DIRECTORY);
			*name = '/';
			if (parent < 0)
				return -1;
			int last = !slash, r;
			if (last && !dir) {
				r = openat(parent, name + 1, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
				if (r >= 0)
					close(r);
			} else
				r = mkdirat(parent, name + 1, 0755);
			close(parent);
			if (r < 0 && errno != EEXIST)
				return -1;
			have = resolve(root, path, O_PATH);
		}
		if (have < 0)
			return -1;
		if (!slash)
			return have;
		close(have);
		*slash = '/';
		s = slash;
	}
}

int apply_propagation(int root, const struct propagation_item *steps, uint32_t n, const char **failed)
{
	for (uint32_t i = 0; i < n; i++) {
		*failed = steps[i].path;
		int fd = resolve(root, steps[i].path, O_PATH);
		if (fd < 0)
			return -1;
		struct mount_attr attr = {.propagation = steps[i].flags & ~(uint64_t)MS_REC};
		unsigned flags = AT_EMPTY_PATH | (steps[i].flags & MS_REC ? AT_RECURSIVE : 0);
		int r = (int)syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof attr);
		int saved = errno;
		close(fd);
		errno = saved;
		if (r != 0)
			return -1;
	}
	return 0;
}

int propagate_main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	report = atoi(argv[2]);
	unsigned long nsteps = strtoul(argv[3], NULL, 10);
	if (nsteps > (unsigned long)argc || (unsigned long)argc < 4 + 2 * nsteps || (argc - 4 - 2 * nsteps) % FIELDS)
		return 2;
	struct propagation_item *steps = calloc(nsteps + 1, sizeof *steps);
	if (!steps)
		fail(STEP_PROPAGATION, "allocating the propagation steps");
	for (unsigned long i = 0; i < nsteps; i++) {
		steps[i].path = unhex(argv[4 + 2 * i]);
		steps[i].flags = strtoull(argv[5 + 2 * i], NULL, 10);
		if (!steps[i].path) {
			errno = EINVAL;
			fail(STEP_PROPAGATION, argv[4 + 2 * i]);
		}
	}
	argv += 2 * nsteps;
	argc -= (int)(2 * nsteps);
	int n = (argc - 4) / FIELDS;
	if (n > MAX_MOUNTS)
		return 2;
	static int clone[MAX_MOUNTS], is_dir[MAX_MOUNTS];
	static char *dest[MAX_MOUNTS];
	static unsigned long propagation[MAX_MOUNTS];

	const char *pid = getenv("LXC_PID");
	char at[64];
	if (!pid || snprintf(at, sizeof at, "/proc/%s/root", pid) >= (int)sizeof at) {
		errno = EINVAL;
		fail(STEP_SHARED_MOUNT, "LXC_PID");
	}
	int root = open(at, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		fail(STEP_SHARED_MOUNT, at);
	snprintf(at, sizeof at, "/proc/%s/ns/mnt", pid);
	int ns = open(at, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		fail(STEP_SHARED_MOUNT, at);

	/* here, in the host's mount namespace: the clones */
	for (int i = 0; i < n; i++) {
		char **f = argv + 4 + i * FIELDS;
		char *source = unhex(f[0]);
		dest[i] = unhex(f[1]);
		if (!source || !dest[i] || dest[i][0] != '/') {
			errno = EINVAL;
			fail(STEP_SHARED_SOURCE, f[0]);
		}
		unsigned rec = atoi(f[2]) ? AT_RECURSIVE : 0;
		uint64_t set = strtoull(f[3], NULL, 10), clr = strtoull(f[4], NULL, 10);
		propagation[i] = strtoul(f[5], NULL, 10);
		clone[i] = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
		if (clone[i] < 0)
			fail(STEP_SHARED_SOURCE, source);
		struct mount_attr attr = {.attr_set = set, .attr_clr = clr};
		if ((attr.attr_set || attr.attr_clr) && syscall(SYS_mount_setattr, clone[i], "", AT_EMPTY_PATH, &attr, sizeof attr) != 0)
			fail(STEP_SHARED_SOURCE, source);
		struct stat st;
		if (fstat(clone[i], &st) != 0)
			fail(STEP_SHARED_SOURCE, source);
		is_dir[i] = S_ISDIR(st.st_mode);
		free(source);
	}

	/* in the container's mount namespace: the propagation steps, then each clone in place */
	if (setns(ns, CLONE_NEWNS) != 0)
		fail(STEP_SHARED_MOUNT, "setns into the container's mount namespace");
	const char *failed = NULL;
	if (apply_propagation(root, steps, (uint32_t)nsteps, &failed) != 0)
		fail(STEP_PROPAGATION, failed);
	for (int i = 0; i < n; i++) {
		int target = mount_point(root, dest[i], is_dir[i]);
		if (target < 0)
			fail(STEP_SHARED_MOUNT, dest[i]);
		if (syscall(SYS_move_mount, clone[i], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
			fail(STEP_SHARED_MOUNT, dest[i]);
		/* a source that was not shared on the host gets a peer group of its own, as with runc */
		struct mount_attr attr = {.propagation = propagation[i] & ~(unsigned long)MS_REC};
		unsigned flags = AT_EMPTY_PATH | (propagation[i] & MS_REC ? AT_RECURSIVE : 0);
		if (attr.propagation && syscall(SYS_mount_setattr, clone[i], "", flags, &attr, sizeof attr) != 0)
			fail(STEP_SHARED_MOUNT, dest[i]);
		close(target);
		close(clone[i]);
	}
	return 0;
}
