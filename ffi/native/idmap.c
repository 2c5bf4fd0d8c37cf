/*
 * `lxcri-init idmap <report fd> [<source> <destination> <rbind> <ridmap> <set> <clr> <uid maps> <gid maps>]...`:
 * id-mapped bind mounts (mounts[].uidMappings/gidMappings, the "idmap" and "ridmap" options:
 * Kubernetes' volumes of pods with their own user namespace, podman's -v DIR:/d:idmap), as
 * runc makes them: a clone of the source made on the host, its ids mapped with
 * mount_setattr(MOUNT_ATTR_IDMAP) through a user namespace that has the mount's maps, then
 * attached in the container.
 *
 * Run as a second lxc.hook.start-host after propagate (propagate.c, whose way this follows):
 * in the monitor's (the host's) namespaces after the container's child set up its mounts and
 * pivoted, before it execs init, $LXC_PID that child. On the host, because the source is
 * the host's to open (the container's root, another uid there, may not even reach it) and
 * a user namespace with any maps is ours to make. liblxc has bound the same source there
 * as an optional plain mount entry, in the config's order: the clone is stacked on it.
 *
 * <uid maps> and <gid maps> are "c:h:s/c:h:s..." (container id, host id, size), or both
 * "c": the container's own user namespace (/proc/$LXC_PID/ns/user). <rbind> 1 clones the
 * source's submounts too (AT_RECURSIVE); <ridmap> 1 maps them too; <set>/<clr> are a
 * struct mount_attr's attr_set and attr_clr for the top mount (ro, nosuid, ...). Paths are
 * hex, numbers decimal. A failure is an ERROR frame on <report fd> naming the source or the
 * destination, and exit status 1, which makes liblxc fail the start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxcri.h"

#define MAX_MOUNTS 256
#define FIELDS 8

static int report = -1;

static __attribute__((noreturn)) void fail(int step, const char *what)
{
	send_error(report, step, errno, what);
	_exit(1);
}

int idmap_main(int argc, char **argv)
{
	if (argc < 3 || (argc - 3) % FIELDS)
		return 2;
	report = atoi(argv[2]);
	int n = (argc - 3) / FIELDS;
	if (n > MAX_MOUNTS)
		return 2;
	static int clone[MAX_MOUNTS], is_dir[MAX_MOUNTS], userns[MAX_MOUNTS];
	static char *dest[MAX_MOUNTS];

	const char *pid = getenv("LXC_PID");
	char at[64];
	if (!pid || snprintf(at, sizeof at, "/proc/%s/root", pid) >= (int)sizeof at) {
		errno = EINVAL;
		fail(STEP_IDMAP_MOUNT, "LXC_PID");
	}
	int root = open(at, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		fail(STEP_IDMAP_MOUNT, at);
	snprintf(at, sizeof at, "/proc/%s/ns/mnt", pid);
	int ns = open(at, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		fail(STEP_IDMAP_MOUNT, at);

	/* here, in the host's mount namespace: the clones, id-mapped */
	for (int i = 0; i < n; i++) {
		char **f = argv + 3 + i * FIELDS;
		char *source = unhex(f[0]);
		dest[i] = unhex(f[1]);
		if (!source || !dest[i] || dest[i][0] != '/') {
			errno = EINVAL;
			fail(STEP_IDMAP_SOURCE, f[0]);
		}
		unsigned rbind = atoi(f[2]) ? AT_RECURSIVE : 0, ridmap = atoi(f[3]) ? AT_RECURSIVE : 0;
		uint64_t set = strtoull(f[4], NULL, 10), clr = strtoull(f[5], NULL, 10);
		const char *uids = f[6], *gids = f[7];
		/* one user namespace per set of maps: mounts with the same maps share it */
		userns[i] = -1;
		for (int j = 0; j < i && userns[i] < 0; j++)
			if (!strcmp(argv[3 + j * FIELDS + 6], uids) && !strcmp(argv[3 + j * FIELDS + 7], gids))
				userns[i] = userns[j];
		if (userns[i] < 0 && !strcmp(uids, "c") && !strcmp(gids, "c")) {
			snprintf(at, sizeof at, "/proc/%s/ns/user", pid);
			userns[i] = open(at, O_RDONLY | O_CLOEXEC);
		} else if (userns[i] < 0)
			userns[i] = make_userns(uids, gids);
		if (userns[i] < 0)
			fail(STEP_IDMAP_USERNS, source);
		clone[i] = (int)syscall(SYS_open_tree, AT_FDCWD, source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rbind);
		if (clone[i] < 0)
			fail(STEP_IDMAP_SOURCE, source);
		struct mount_attr idmap = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns[i]};
		if (syscall(SYS_mount_setattr, clone[i], "", AT_EMPTY_PATH | ridmap, &idmap, sizeof idmap) != 0)
			fail(STEP_IDMAP_SOURCE, source);
		struct mount_attr attr = {.attr_set = set, .attr_clr = clr};
		if ((attr.attr_set || attr.attr_clr) && syscall(SYS_mount_setattr, clone[i], "", AT_EMPTY_PATH, &attr, sizeof attr) != 0)
			fail(STEP_IDMAP_SOURCE, source);
		struct stat st;
		if (fstat(clone[i], &st) != 0)
			fail(STEP_IDMAP_SOURCE, source);
		is_dir[i] = S_ISDIR(st.st_mode);
		free(source);
	}

	/* in the container's mount namespace: each clone in place */
	if (setns(ns, CLONE_NEWNS) != 0)
		fail(STEP_IDMAP_MOUNT, "setns into the container's mount namespace");
	for (int i = 0; i < n; i++) {
		int target = mount_point(root, dest[i], is_dir[i]);
		if (target < 0)
			fail(STEP_IDMAP_MOUNT, dest[i]);
		if (syscall(SYS_move_mount, clone[i], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
			fail(STEP_IDMAP_MOUNT, dest[i]);
		close(target);
		close(clone[i]);
	}
	return 0;
}
