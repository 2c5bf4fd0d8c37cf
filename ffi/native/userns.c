/*
 * User namespaces made or read for lxcri, each through a child that does nothing else:
 *
 * make_userns: a new user namespace with the given maps, for an id-mapped mount
 * (mount_setattr(MOUNT_ATTR_IDMAP) takes the maps from a user namespace fd). A child
 * unshares one and waits; we write its maps as root in ours, open its ns file, and let it
 * go: the fd keeps the namespace. As runc does; nothing ever runs in that namespace.
 *
 * `lxcri-init userns-maps <path>`: the maps of the user namespace at <path> (a container's
 * joined by linux.namespaces[].path), as liblxc needs them in lxc.idmap to switch to the
 * container's root and to chown what it makes for it. A child setns()es into it and waits;
 * we read /proc/<child>/uid_map and gid_map from our namespace, so the host ids are ours
 * (a process in the namespace reading its own maps would see its parent namespace's).
 * The namespace may hold a hostile container: the child is made non-dumpable before it joins
 * (ptrace of it then needs CAP_SYS_PTRACE in our namespace, not in the container's), holds
 * no fd but its pipes, and runs nothing but a read. Prints "n <dev> <inode>" of the namespace
 * (liblxc opens the path again later: create checks the container is in this one), then
 * "u <inside> <outside> <count>" and "g ..." lines; exit 1 with a message on stderr when the
 * path cannot be joined.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lxcri.h"

#define MAP_MAX 8192

/* A child that joins `ns` (>= 0) or unshares a new user namespace (-1), says so on
 * ready[1] (one byte: 1 done, 0 failed with errno after it) and waits for EOF on hold[0]. */
static pid_t holder(int ns, int *hold_fd)
{
	int ready[2], hold[2];
	if (pipe2(ready, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(hold, O_CLOEXEC) != 0) {
		close(ready[0]), close(ready[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		int ok = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 && (ns >= 0 ? setns(ns, CLONE_NEWUSER) : unshare(CLONE_NEWUSER)) == 0;
		int e = errno;
		char msg[1 + sizeof e];
		msg[0] = (char)ok;
		memcpy(msg + 1, &e, sizeof e);
		if (write(ready[1], msg, sizeof msg) != (ssize_t)sizeof msg)
			_exit(1);
		char c;
		(void)!read(hold[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid < 0) {
		close(ready[0]), close(hold[1]);
		return -1;
	}
	char msg[1 + sizeof(int)] = {0};
	ssize_t got = read(ready[0], msg, sizeof msg);
	if (got != (ssize_t)sizeof msg || !msg[0]) {
		int e = EIO;
		if (got == (ssize_t)sizeof msg)
			memcpy(&e, msg + 1, sizeof e);
		close(ready[0]), close(hold[1]);
		waitpid(pid, NULL, 0);
		errno = e;
		return -1;
	}
	close(ready[0]);
	*hold_fd = hold[1];
	return pid;
}

static void release(pid_t pid, int hold)
{
	int e = errno;
	close(hold);
	waitpid(pid, NULL, 0);
	errno = e;
}

/* "c:h:s/c:h:s" → "c h s\nc h s\n" written in one write(2), as the kernel wants it. */
static int write_map(pid_t pid, const char *file, const char *maps)
{
	char at[64], text[MAP_MAX];
	size_t n = 0;
	for (const char *p = maps; *p && n < sizeof text - 2; p++)
		text[n++] = *p == ':' ? ' ' : *p == '/' ? '\n' : *p;
	text[n++] = '\n';
	snprintf(at, sizeof at, "/proc/%d/%s", pid, file);
	int fd = open(at, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, text, n);
	int e = errno;
	close(fd);
	errno = e;
	return w == (ssize_t)n ? 0 : -1;
}

int make_userns(const char *uid_maps, const char *gid_maps)
{
	int hold = -1;
	pid_t pid = holder(-1, &hold);
	if (pid < 0)
		return -1;
	int fd = -1;
	if (write_map(pid, "uid_map", uid_maps) == 0 && write_map(pid, "gid_map", gid_maps) == 0) {
		char at[64];
		snprintf(at, sizeof at, "/proc/%d/ns/user", pid);
		fd = open(at, O_RDONLY | O_CLOEXEC);
	}
	release(pid, hold);
	return fd;
}

static int print_map(pid_t pid, const char *file, char kind)
{
	char at[64], text[MAP_MAX];
	snprintf(at, sizeof at, "/proc/%d/%s", pid, file);
	int fd = open(at, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n < 0)
		return -1;
	text[n] = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned long inside, outside, count;
		if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3)
			printf("%c %lu %lu %lu\n", kind, inside, outside, count);
	}
	return 0;
}

int userns_maps_main(const char *path)
{
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0) {
		fprintf(stderr, "cannot open %s: %s\n", path, strerrorname_np(errno));
		return 1;
	}
	struct stat st;
	if (fstat(ns, &st) != 0) {
		fprintf(stderr, "cannot stat %s: %s\n", path, strerrorname_np(errno));
		return 1;
	}
	/* the namespace these maps are of: create checks that the container's init ends up in it */
	printf("n %llu %llu\n", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	int hold = -1;
	pid_t pid = holder(ns, &hold);
	close(ns);
	if (pid < 0) {
		fprintf(stderr, "cannot join %s: %s\n", path, strerrorname_np(errno));
		return 1;
	}
	int r = print_map(pid, "uid_map", 'u') == 0 && print_map(pid, "gid_map", 'g') == 0 ? 0 : 1;
	if (r)
		fprintf(stderr, "cannot read the maps of %s: %s\n", path, strerrorname_np(errno));
	release(pid, hold);
	return fflush(stdout) == 0 ? r : 1;
}
