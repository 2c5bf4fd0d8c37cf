/*
 * `lxcri-init init <plan fd>`: the container's init until `start`, exec'd by
 * liblxc (after pivot_root, as the container's root with every capability,
 * no seccomp yet) from a read-only detached mount: its /proc/self/exe is no
 * writable host file.
 *
 *   create ──plan (sealed memfd)──▶ init: mount propagation, tmpfs from the image, terminal,
 *                                         devices, uts names, masks, recursive mount
 *                                         options, detach runtime mounts,
 *                                         find process.args[0]
 *   create ◀──READY | ERROR── channel (a socketpair: init parks the peer at
 *                             CHANNEL_FD; create and start copy it with
 *                             pidfd_getfd, which needs ptrace rights over init:
 *                             init is not dumpable, so a container process has none)
 *   start ──GO──▶ init: startContainer hooks, each confined (HOOK frames),
 *                       EXEC, then confine_exec: execve closes init's end
 *                       (without such hooks the process's context was set
 *                       before READY but for what must stay last: EXEC, the
 *                       seccomp filter, execve)
 *   start ◀──EOF── the process runs (an ERROR frame instead says why not)
 *
 * Nothing here is reachable by path from inside the container: no runtime
 * files are mounted, and start is triggered only through the channel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <termios.h>
#include <unistd.h>
#include "lxcri.h"

static int channel = -1;
static int devnull = -1;

/*
 * Reports a failed setup step with errno and what it concerned, then waits to
 * be killed: create copies the channel only once it finds us, and an init
 * that exited at once would take its report with it. create destroys the
 * container when it reads the error (delete does, after a create that died).
 */
static __attribute__((noreturn)) void fail(int step, const char *what)
{
	send_error(channel, step, errno, what);
	for (;;)
		pause();
}

/* Closes every fd from `from` on except the `n` listed (each at `from` or above). */
static void close_all_but(unsigned from, unsigned *keep, int n)
{
	for (int i = 0; i < n; i++) /* sort: n is tiny */
		for (int j = i + 1; j < n; j++)
			if (keep[j] < keep[i]) {
				unsigned t = keep[i];
				keep[i] = keep[j];
				keep[j] = t;
			}
	for (int i = 0; i < n; i++) {
		if (keep[i] > from)
			syscall(SYS_close_range, from, keep[i] - 1, 0);
		if (keep[i] + 1 > from)
			from = keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

static int move_fd(int fd, int to)
{
	if (fd == to)
		return fd;
	int r = dup3(fd, to, O_CLOEXEC);
	close(fd);
	return r;
}

static void fd_path(char *out, size_t n, int fd)
{
	snprintf(out, n, "/proc/self/fd/%d", fd);
}

/*
 * process.terminal: a pty from the container's own devpts, the slave as our
 * stdio and controlling terminal, the master parked for create. /dev/console
 * gets the slave bound onto it through the fd we hold (never by the name
 * /dev/pts/N, which a racing process could swap), and only when /dev is a
 * mount of the container's own (never a file of the image).
 */
static void open_terminal(void)
{
	int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		fail(STEP_TERMINAL, "/dev/pts/ptmx");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) != 0)
		fail(STEP_TERMINAL, "unlocking the pty");
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		fail(STEP_TERMINAL, "opening the pty's slave");
	struct stat st;
	if (fstat(slave, &st) != 0 || !S_ISCHR(st.st_mode))
		fail(STEP_TERMINAL, "the pty's slave is not a character device");
	struct stat dev, root;
	if (stat("/dev", &dev) == 0 && stat("/", &root) == 0 && dev.st_dev != root.st_dev) {
		int console = open("/dev/console", O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);
		if (console >= 0) {
			char src[64], dst[64];
			fd_path(src, sizeof src, slave);
			fd_path(dst, sizeof dst, console);
			if (mount(src, dst, NULL, MS_BIND, NULL) != 0)
				fail(STEP_TERMINAL, "binding the pty onto /dev/console");
			close(console);
		}
	}
	setsid();
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			fail(STEP_TTY, "dup2");
	if (ioctl(0, TIOCSCTTY, 0) != 0)
		fail(STEP_TTY, "TIOCSCTTY");
	close(slave);
	if (move_fd(master, TERMINAL_MASTER_FD) < 0)
		fail(STEP_TERMINAL, "parking the pty master");
}

static void mkdir_parents(const char *path)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *s = tmp + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(tmp, 0755);
		*s = '/';
	}
}

static void make_devices(const struct init_plan *p)
{
	for (uint32_t i = 0; i < p->ndevices; i++) {
		const struct device_node *d = &p->devices[i];
		mkdir_parents(d->path);
		unlink(d->path);
		if (mknod(d->path, d->mode, makedev(d->major, d->minor)) != 0)
			fail(STEP_DEVICES, d->path);
		/* the node was just made by us: no symlink can be in its place */
		if (lchown(d->path, d->uid, d->gid) != 0 || chmod(d->path, d->mode & 07777) != 0)
			fail(STEP_DEVICES, d->path);
	}
}

/*
 * A masked or read-only path of the container as an O_PATH fd, with no
 * symlink anywhere on the way (ELOOP): a symlink the image or a racing
 * container sharing the rootfs put there would move the mask elsewhere and
 * leave the path itself showing what it holds, so create fails instead.
 * -1 with errno ENOENT when there is nothing there.
 */
static int open_in_container(const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	return (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
}

/* The mount flags a bind remount must keep (a user namespace's locked ones among them). */
static unsigned long kept_flags(int fd)
{
	struct statfs st;
	if (fstatfs(fd, &st) != 0)
		return 0;
	return (unsigned long)st.f_flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
}

/*
 * The caller's /dev/null as stdio (conmon's stdin, a shell's `</dev/null`) is a file of the
 * host's /dev, a mount outside the container: CRIU cannot checkpoint an fd on a mount it
 * cannot find in the container. The container's own /dev/null is the same device, so each
 * such fd is swapped for one opened inside the container, with the same access mode, when
 * that is a character device 1:3 (anything else the image put there is left alone; never a
 * FIFO opened blocking, nor a symlink followed at the end).
 */
static void local_null_stdio(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;
		if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
			continue;
		int flags = fcntl(fd, F_GETFL);
		if (flags < 0)
			continue;
		int local = open("/dev/null", (flags & O_ACCMODE) | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (local < 0)
			continue;
		struct stat ls;
		if (fstat(local, &ls) == 0 && S_ISCHR(ls.st_mode) && ls.st_rdev == makedev(1, 3) &&
		    fcntl(local, F_SETFL, flags & ~O_ACCMODE) == 0)
			dup2(local, fd);
		close(local);
	}
}

/*
 * readonlyPaths: each bound onto itself and remounted read-only. maskedPaths:
 * /dev/null over a file (or FIFO, socket, device), an empty read-only tmpfs
 * over a directory. Everything goes through fds this process opened: /dev/null
 * is the host's (create opened it; never the container's, which a racing
 * process could swap: CVE-2025-31133), and no symlink leads a mask elsewhere.
 */
/*
 * Rootless, a user on the host: create could make no detached mount (no CAP_SYS_ADMIN
 * there), so it passed a plain fd of /dev/null. In the container's user namespace init
 * may clone a mount: the container's own /dev/null (a bind of the host's: no device can
 * be made in a user namespace), opened without following any link and checked, by its fd,
 * to be the null device before the clone; a swap after the open changes nothing.
 */
static int clone_container_null(void)
{
	struct stat st;
	int n = open_in_container("/dev/null");
	if (n < 0)
		return -1;
	if (fstat(n, &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		close(n);
		errno = EPERM;
		return -1;
	}
	int c = (int)syscall(SYS_open_tree, n, "", OPEN_TREE_CLONE | AT_EMPTY_PATH | O_CLOEXEC);
	close(n);
	return c;
}

/*
 * linux.mountLabel on what lxcri mounts without liblxc: a masked directory's
 * tmpfs gets it as context= (runc's maskDir), an mqueue mount's root as its
 * security.selinux xattr (runc's and crun's way: the IPC namespace's mqueue
 * superblock exists before the mount, so a context= would not match it).
 */
static char mask_data[4200] = "size=0";

static void label_mounts(const struct init_plan *p)
{
	char dst[64];
	if (!p->mount_label)
		return;
	snprintf(mask_data, sizeof mask_data, "size=0,context=\"%s\"", p->mount_label);
	for (uint32_t i = 0; i < p->labelled.count; i++) {
		int t = open_in_container(p->labelled.items[i]);
		if (t < 0)
			fail(STEP_MOUNT_LABEL, p->labelled.items[i]);
		fd_path(dst, sizeof dst, t);
		if (setxattr(dst, "security.selinux", p->mount_label, strlen(p->mount_label), 0) != 0)
			fail(STEP_MOUNT_LABEL, p->labelled.items[i]);
		close(t);
	}
}

static void mask_and_protect(const struct init_plan *p)
{
	char src[64], dst[64];
	for (uint32_t i = 0; i < p->readonly.count; i++) {
		int t = open_in_container(p->readonly.items[i]);
		if (t < 0) {
			if (errno == ENOENT)
				continue;
			fail(STEP_MASK, p->readonly.items[i]);
		}
		fd_path(dst, sizeof dst, t);
		if (mount(dst, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
			fail(STEP_MASK, p->readonly.items[i]);
		close(t);
		/* the bind is now on the path: remount that mount read-only */
		t = open_in_container(p->readonly.items[i]);
		fd_path(dst, sizeof dst, t);
		if (t < 0 || mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags(t), NULL) != 0)
			fail(STEP_MASK, p->readonly.items[i]);
		close(t);
	}
	if (!p->mask.count)
		return;
	/*
	 * The host's /dev/null, as create passed it: a detached mount of its own
	 * (open_tree). It is attached onto the first masked file; later masks bind
	 * from there. Nothing of the container's /dev is ever the source.
	 */
	struct stat st;
	if (devnull < 0 || fstat(devnull, &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
		errno = EPERM;
		fail(STEP_MASK, "the null device lxcri passed is not /dev/null");
	}
	int null_src = -1;
	for (uint32_t i = 0; i < p->mask.count; i++) {
		int t = open_in_container(p->mask.items[i]);
		if (t < 0) {
			if (errno == ENOENT)
				continue; /* nothing to mask */
			fail(STEP_MASK, p->mask.items[i]);
		}
		fd_path(dst, sizeof dst, t);
		int r;
		if (fstat(t, &st) == 0 && S_ISDIR(st.st_mode))
			r = mount("tmpfs", dst, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, mask_data);
		else if (null_src < 0) {
			r = (int)syscall(SYS_move_mount, devnull, "", t, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
			if (r != 0 && errno == EINVAL) { /* not a detached mount: rootless (above) */
				int c = clone_container_null();
				r = c < 0 ? -1 : (int)syscall(SYS_move_mount, c, "", t, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
				if (c >= 0)
					close(c);
			}
			if (r == 0 && (null_src = open_in_container(p->mask.items[i])) < 0)
				r = -1;
		} else {
			fd_path(src, sizeof src, null_src);
			r = mount(src, dst, NULL, MS_BIND, NULL);
		}
		if (r != 0)
			fail(STEP_MASK, p->mask.items[i]);
		close(t);
	}
	if (null_src >= 0)
		close(null_src);
}

/* Mount options liblxc cannot give ("rro", ..., "nosymfollow"): each on its mount, and with AT_RECURSIVE on all below it. */
static void recursive_attrs(const struct init_plan *p)
{
	for (uint32_t i = 0; i < p->nrecursive; i++) {
		struct mount_attr attr = {.attr_set = p->recursive[i].set, .attr_clr = p->recursive[i].clr};
		unsigned flags = AT_SYMLINK_NOFOLLOW | (p->recursive[i].top ? 0 : AT_RECURSIVE);
		if (syscall(SYS_mount_setattr, AT_FDCWD, p->recursive[i].path, flags, &attr, sizeof attr) != 0)
			fail(STEP_MOUNT_ATTR, p->recursive[i].path);
	}
}

static void set_name(long nr, const char *name)
{
	if (name && syscall(nr, name, strlen(name)) != 0)
		fail(STEP_HOSTNAME, name);
}

int init_main(int plan_fd)
{
	static struct plan plan;
	/* liblxc's monitor goes once we are ready (README: the pid contract): do not die with it */
	prctl(PR_SET_PDEATHSIG, 0);
	/* no container process may ptrace us, copy our fds or open our exe or memory */
	prctl(PR_SET_DUMPABLE, 0);
	int pair[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
		_exit(126);
	channel = pair[0];
	/* only a sealed plan (plan.c read_sealed_plan): no one can change it while it is read */
	int plan_ok = read_sealed_plan(plan_fd, &plan) == 0 && plan.kind == PLAN_INIT;
	int saved = errno;
	if (plan_ok) {
		/* The caller's stdio comes right after the plan (liblxc ran us with /dev/null as stdio, so
		 * that its fix_stdio_permissions could not chmod the caller's files). */
		int slot0 = (int)plan.process.keep_fds - 1;
		for (int fd = 0; fd <= 2; fd++)
			if (dup2(slot0 + INHERITED_STDIN + fd, fd) < 0) {
				int null = open("/dev/null", O_RDWR | O_CLOEXEC);
				if (null < 0 || dup2(null, fd) < 0)
					_exit(126);
				close(null);
			}
	}
	if (move_fd(pair[1], CHANNEL_FD) < 0)
		_exit(126);
	/* before the first write to create's pipes: a create that is gone must not kill us */
	signal(SIGPIPE, SIG_IGN);
	/* create looks for us among the monitor's children; this wakes it to look now rather than at
	 * its next poll (src/container/create/monitor.ts waitReady). Best effort: it only looks. */
	if (plan_ok)
		send_frame((int)plan.process.keep_fds - 1 + INHERITED_REPORT, FRAME_HERE, NULL, 0);
	/* the host's /dev/null (for the masks), at a number of its own */
	devnull = plan_ok ? dup3((int)plan.process.keep_fds - 1 + INHERITED_DEVNULL, DEVNULL_FD, O_CLOEXEC) : -1;
	/* Everything inherited from the runtime beyond the preserved fds (our executable, the
	 * stdio copies, liblxc's) is not the process's: closed now, not only at the exec. */
	if (plan_ok)
		close_all_but(plan.process.keep_fds, (unsigned[]){(unsigned)channel, DEVNULL_FD, CHANNEL_FD}, 3);
	if (!plan_ok) {
		errno = saved;
		fail(STEP_PLAN, NULL);
	}
	const struct init_plan *ip = &plan.init;
	/*
	 * process.apparmorProfile and process.selinuxLabel: the procfs at /proc now, before anything of the
	 * container ran (nothing can be mounted over it yet), kept for the writes at
	 * start (apparmor.c). The profile is set on this task now too, so that one
	 * the kernel does not know fails create, as with runc; exec_as writes it
	 * again in each task that execs (startContainer hooks, the process).
	 */
	if (plan.process.apparmor || plan.process.selinux) {
		int fd = open_proc_root();
		const char *what = plan.process.apparmor ? plan.process.apparmor : plan.process.selinux;
		if (fd < 0 || (proc_root = move_fd(fd, PROC_ROOT_FD)) < 0)
			fail(plan.process.apparmor ? STEP_APPARMOR : STEP_SELINUX, what);
		if (plan.process.apparmor && apparmor_exec(plan.process.apparmor) != 0)
			fail(STEP_APPARMOR, plan.process.apparmor);
		/* process.selinuxLabel likewise (selinux.c): a label the policy does not know fails create */
		if (plan.process.selinux && selinux_exec(plan.process.selinux) != 0)
			fail(STEP_SELINUX, plan.process.selinux);
	}

	/* tmpcopyup clones mounts: before the propagation steps can make one unbindable */
	for (uint32_t i = 0; i < ip->ntmpfs; i++)
		if (tmpfs_from_image(ip->tmpfs[i].path, ip->tmpfs[i].flags) != 0)
			fail(STEP_COPY_UP, ip->tmpfs[i].path);
	/* then, so that what init mounts below has runc's propagation too (propagate.c) */
	if (ip->npropagation) {
		const char *failed = NULL;
		int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0 || apply_propagation(root, ip->propagation, ip->npropagation, &failed) != 0)
			fail(STEP_PROPAGATION, failed ? failed : "/");
		close(root);
	}

	if (access("/dev/ptmx", F_OK) != 0 && access("/dev/pts/ptmx", F_OK) == 0)
		if (symlink("pts/ptmx", "/dev/ptmx") != 0) { /* a read-only /dev: the process still has /dev/pts/ptmx */ }
	if (ip->terminal)
		open_terminal();
	make_devices(ip);
	/* once the default devices are there (init makes them), before anything of the container runs */
	local_null_stdio();
	set_name(SYS_sethostname, ip->hostname);
	set_name(SYS_setdomainname, ip->domainname);
	label_mounts(ip);
	mask_and_protect(ip);
	close(devnull);
	recursive_attrs(ip);
	/*
	 * Without startContainer hooks (they run between GO and the process, confined from a root
	 * init) the process's context is set now rather than after GO, as runc does before its exec
	 * fifo: start then waits only for what must stay last (the fds, the seccomp filter) and
	 * execve. A failure is create's. A filter that loads without no_new_privs needs
	 * CAP_SYS_ADMIN and stays where it was, so the uid change and capabilities wait with it;
	 * otherwise init waits as the process's user with its capabilities, still not dumpable
	 * (exec_prepare), holding only what it held before, and execs what it found as that user.
	 */
	int prepared = !ip->nhooks;
	int as_user = prepared && !(plan.process.seccomp_len && plan.process.seccomp_first);
	char program[PATH_MAX];
	if (!as_user && find_program(&plan.process, program, sizeof program) != 0)
		fail(STEP_LOOKUP, plan.process.args.items[0]);
	/* a /proc only we needed (to be exec'd through /proc/self/fd) goes before anything else runs */
	for (uint32_t i = 0; i < ip->detach.count; i++)
		if (umount2(ip->detach.items[i], MNT_DETACH) != 0)
			fail(STEP_DETACH, ip->detach.items[i]);
	if (prepared) {
		int step = exec_prepare(&plan.process);
		if (step)
			fail(step, failed_subject(&plan.process, step, plan.process.args.items[0]));
	}
	/* as the process's user, in its cwd: what execve will find at start */
	if (as_user && find_program(&plan.process, program, sizeof program) != 0)
		fail(STEP_LOOKUP, plan.process.args.items[0]);

	if (send_frame(channel, FRAME_READY, NULL, 0) != 0)
		_exit(126);
	int kind;
	uint32_t len;
	uint8_t payload[16];
	if (read_frame(channel, &kind, payload, sizeof payload, &len) != 0 || kind != FRAME_GO)
		_exit(126); /* create or delete gave up on us */
	/* only start holds the channel now */
	close(CHANNEL_FD);

	if (run_start_hooks(&plan, channel, (long)getpid()) != 0)
		_exit(1);
	send_frame(channel, FRAME_EXEC, NULL, 0);
	int step = prepared ? exec_prepared(&plan.process, channel, as_user ? program : NULL) : exec_process(&plan.process, channel);
	send_error(channel, step, errno, failed_subject(&plan.process, step, plan.process.args.items[0]));
	return step != STEP_APPARMOR && step != STEP_SELINUX && errno == ENOENT ? 127 : 126;
}
