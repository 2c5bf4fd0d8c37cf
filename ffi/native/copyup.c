/*
 * "tmpcopyup" on a tmpfs mount (podman's --tmpfs sets it): the image's files at the
 * destination are copied into the tmpfs, as runc and crun do, before anything of the
 * container runs (the directory's mode is the mount's "mode=": src/lxc/mounts.ts). liblxc has mounted the tmpfs over the image's directory already, so init
 * reads that directory through a clone of the mount below it without its submounts
 * (open_tree of the parent directory, not recursive: the tmpfs is not in it), and writes
 * through a clone of the tmpfs alone (so nothing goes to a mount made below the destination,
 * such as a bind mount of a host directory). Directories, regular files, symbolic links,
 * devices and FIFOs are copied with their mode and owner (runc's CopyDirectory keeps those
 * too); sockets are not files to copy. The image is the container's, so hostile: every open
 * is relative to a directory fd with O_NOFOLLOW (a name from readdir has no slash), a FIFO
 * or device is never opened, only made, and the tmpfs's size bounds what is written.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxcri.h"

#define MAX_DEPTH 256

static int open_no_symlinks(int at, const char *path, uint64_t flags)
{
	struct open_how how = {.flags = flags | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	return (int)syscall(SYS_openat2, at, path, &how, sizeof how);
}

/* A detached clone of the mount at `fd` (its directory there), without the mounts below it. */
static int clone_mount(int fd)
{
	return (int)syscall(SYS_open_tree, fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
}

static int copy_bytes(int from, int to)
{
	char buf[65536];
	for (;;) {
		ssize_t n = copy_file_range(from, NULL, to, NULL, 1 << 30, 0);
		if (n > 0)
			continue;
		if (n == 0)
			return 0;
		if (errno != EXDEV && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS)
			return -1;
		break;
	}
	for (;;) {
		ssize_t n = read(from, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(to, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -1;
			done += w;
		}
	}
}

static int copy_dir(int src, int dst, int depth);

static int copy_entry(int src, int dst, const char *name, const struct stat *st, int depth)
{
	int r = 0, s = -1, d = -1;
	switch (st->st_mode & S_IFMT) {
	case S_IFDIR:
		if (mkdirat(dst, name, 0700) != 0 && errno != EEXIST)
			return -1;
		s = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = s < 0 || d < 0 ? -1 : copy_dir(s, d, depth + 1);
		if (r == 0 && (fchown(d, st->st_uid, st->st_gid) != 0 || fchmod(d, st->st_mode & 07777) != 0))
			r = -1;
		break;
	case S_IFREG:
		s = openat(src, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		d = openat(dst, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		struct stat now;
		/* the file read is the one listed (a container sharing the image may swap it) */
		if (s < 0 || d < 0 || fstat(s, &now) != 0 || !S_ISREG(now.st_mode) || now.st_ino != st->st_ino)
			r = -1;
		else if (copy_bytes(s, d) != 0 || fchown(d, st->st_uid, st->st_gid) != 0 || fchmod(d, st->st_mode & 07777) != 0)
			r = -1; /* chown before chmod: chown drops set-id bits */
		break;
	case S_IFLNK: {
		char target[PATH_MAX + 1];
		ssize_t n = readlinkat(src, name, target, PATH_MAX);
		if (n < 0)
			return -1;
		target[n] = 0;
		if (symlinkat(target, dst, name) != 0 || fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) != 0)
			return -1;
		return 0;
	}
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
		if (mknodat(dst, name, st->st_mode, st->st_rdev) != 0 ||
		    fchownat(dst, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) != 0 ||
		    fchmodat(dst, name, st->st_mode & 07777, 0) != 0)
			return -1;
		return 0;
	default: /* a socket: nothing to copy */
		return 0;
	}
	int saved = errno;
	if (s >= 0)
		close(s);
	if (d >= 0)
		close(d);
	errno = saved;
	return r;
}

static int copy_dir(int src, int dst, int depth)
{
	if (depth > MAX_DEPTH) {
		errno = ELOOP;
		return -1;
	}
	int fd = dup(src);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int r = 0;
	for (struct dirent *e; r == 0 && (errno = 0, e = readdir(dir));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		struct stat st;
		r = fstatat(src, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ? -1 : copy_entry(src, dst, e->d_name, &st, depth);
	}
	int saved = errno;
	closedir(dir);
	errno = saved;
	return r == 0 && errno ? -1 : r;
}

/* "tmpcopyup": the image's directory at `dest`, below the tmpfs `at` is, copied into it. */
static int copy_up(int at, const char *dest)
{
	const char *slash = strrchr(dest, '/');
	if (!slash || !slash[1] || strlen(dest) >= PATH_MAX) {
		errno = EINVAL;
		return -1;
	}
	char parent[PATH_MAX];
	size_t n = slash == dest ? 1 : (size_t)(slash - dest);
	memcpy(parent, dest, n);
	parent[n] = 0;

	int r = -1, tmp = -1, below = -1, src = -1, dst = -1;
	/* clones: an unbindable mount has none (EINVAL), and create fails naming the path */
	tmp = clone_mount(at);
	int p = open_no_symlinks(AT_FDCWD, parent, O_PATH | O_DIRECTORY);
	below = p < 0 ? -1 : clone_mount(p);
	if (p >= 0)
		close(p);
	if (tmp < 0 || below < 0)
		goto out;
	src = openat(below, slash + 1, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0) {
		/* nothing in the image there (or not a directory): nothing to copy, as with runc */
		r = errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 0 : -1;
		goto out;
	}
	dst = openat(tmp, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dst < 0)
		goto out;
	mode_t old = umask(0);
	r = copy_dir(src, dst, 0);
	umask(old);
out:;
	int saved = errno;
	for (int *fd = (int[]){tmp, below, src, dst}, i = 0; i < 4; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	errno = saved;
	return r;
}

int tmpfs_from_image(const char *dest, uint32_t flags)
{
	struct statfs fs;
	int at = open_no_symlinks(AT_FDCWD, dest, O_RDONLY | O_DIRECTORY);
	if (at < 0 || fstatfs(at, &fs) != 0 || fs.f_type != TMPFS_MAGIC) {
		if (at >= 0) {
			close(at);
			errno = ENOTDIR; /* the tmpfs liblxc mounted is not there */
		}
		return -1;
	}
	int r = flags & TMPFS_COPY_UP ? copy_up(at, dest) : 0;
	int saved = errno;
	close(at);
	errno = saved;
	return r;
}
