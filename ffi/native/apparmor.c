/*
 * process.apparmorProfile, applied as runc's libcontainer/apparmor does:
 * "exec <profile>" written to this task's attr/apparmor/exec (Linux 5.8;
 * attr/exec before), so that the kernel confines the task at its next execve,
 * which is the process's. Three rules follow from the kernel:
 *   - a task can write only its own attr files, and only through a file it
 *     opened itself: the task that execs opens and writes (confine.c's
 *     exec_as), not its parent;
 *   - with no_new_privs set, a change of profile can be refused: the write
 *     comes before it (it is the first thing exec_as does);
 *   - the write must land in the real procfs. runc's CVE-2019-16884: an image
 *     put a fake procfs at /proc, runc's write went into a file of the image
 *     and the container ran unconfined. So the file is reached from a procfs
 *     root fd opened while /proc could still be trusted (init: at create,
 *     before anything of the container ran; exec: on the host, before setns),
 *     with no symlink, magic link or mount crossed on the way, and checked to
 *     be procfs before the write. A failure fails the start: a process that
 *     asked for a profile never runs unconfined.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxcri.h"

#define PROC_ROOT_INO 1

int proc_root = -1;

static int on_procfs(int fd)
{
	struct statfs sf;
	return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* EXDEV: what is there is not the real procfs (or not its root). */
int open_proc_root(void)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/proc", &how, sizeof how);
	if (fd < 0)
		return -1;
	struct stat st;
	if (!on_procfs(fd) || fstat(fd, &st) != 0 || st.st_ino != PROC_ROOT_INO) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	return fd;
}

/* <task>/<attr> below proc_root, for writing: nothing but procfs on the way (EXDEV, ELOOP otherwise). */
static int open_attr(const char *task, const char *attr)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", task, attr);
	struct open_how how = {
		.flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
		.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	return (int)syscall(SYS_openat2, proc_root, path, &how, sizeof how);
}

/* "<tgid>/task/<tid>": what the procfs's thread-self link says, digits and slashes only. */
static int this_task(char *out, size_t n)
{
	ssize_t len = readlinkat(proc_root, "thread-self", out, n - 1);
	if (len <= 0)
		return -1;
	out[len] = 0;
	unsigned a, b;
	int end = 0;
	if (sscanf(out, "%u/task/%u%n", &a, &b, &end) != 2 || (size_t)end != (size_t)len) {
		errno = EXDEV;
		return -1;
	}
	return 0;
}

/*
 * Writes `len` bytes of `val` to this task's attr file `attr` (`fallback` when
 * that does not exist: before Linux 5.8 AppArmor had no attr/apparmor/), reached
 * as described above; selinux.c writes its label through it too.
 */
int write_task_attr(const char *attr, const char *fallback, const char *val, size_t len)
{
	char task[64];
	if (proc_root < 0) {
		errno = EBADF;
		return -1;
	}
	if (this_task(task, sizeof task) != 0)
		return -1;
	int fd = open_attr(task, attr);
	if (fd < 0 && errno == ENOENT && fallback)
		fd = open_attr(task, fallback);
	if (fd < 0)
		return -1;
	if (!on_procfs(fd)) {
		close(fd);
		errno = EXDEV;
		return -1;
	}
	ssize_t w = write(fd, val, len);
	int saved = errno;
	close(fd);
	if (w != (ssize_t)len) {
		errno = w < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

int apparmor_exec(const char *profile)
{
	static char cmd[4096];
	int len = snprintf(cmd, sizeof cmd, "exec %s", profile);
	if (len < 0 || (size_t)len >= sizeof cmd) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return write_task_attr("attr/apparmor/exec", "attr/exec", cmd, (size_t)len);
}
