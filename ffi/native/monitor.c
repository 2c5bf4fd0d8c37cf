/*
 * lxcri-monitor <lxcpath> <name> <lxc.conf> <report fd> <gate fd> <init argv...>
 *
 * The container's monitor while it is created: liblxc refuses a
 * non-daemonized start() in a multi-threaded process (Bun always is), so
 * `create` spawns this small single-threaded program, exec'd from a read-only
 * detached mount of the installed file (liblxc's container child, a fork of
 * it, enters the container's namespaces, and no dumpable process may be
 * there). It loads the LXC config create set and wrote to <lxc.conf> — the
 * monitor is compiled against lxccontainer.h, so no struct offsets are kept
 * by hand here — then runs start() with daemonize off: the container's init
 * is our child, and we exit with its status (128+signal when it was killed).
 * `create` ends this process once init is ready (README: the pid contract).
 *
 * It waits for one byte on <gate fd> before it does anything: create writes it
 * once the record names this process (pid and start time), so that nothing
 * this monitor makes (cgroups, the container) exists before the record can
 * lead cleanup to it. EOF instead (create died first): exit at once.
 *
 * With $LXCRI_MONITOR_JOINS it first joins namespaces liblxc could not (join_first).
 *
 * A config liblxc refuses is reported on <report fd> as an ERROR frame (step
 * CONFIG). <report fd> is within $LISTEN_FDS, which liblxc keeps open: the
 * start-host hook (propagate.c) reports on it too; init closes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <lxc/lxccontainer.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "lxcri.h"

/*
 * $LXCRI_MONITOR_JOINS: namespaces joined by path that the joined user namespace does not own
 * (hex paths, comma-separated). liblxc joins the user namespace first and from there could not
 * join these; joined here, before start(), liblxc keeps them for the container (they are
 * neither cloned nor shared in its config). src/host/namespaces.ts joinedBeforeUser.
 */
static int join_first(const char *list, char *failed, size_t len)
{
	while (*list) {
		size_t n = strcspn(list, ",");
		if (n % 2 || n / 2 >= len) {
			errno = EINVAL;
			return -1;
		}
		for (size_t i = 0; i < n / 2; i++) {
			unsigned v;
			if (sscanf(list + 2 * i, "%2x", &v) != 1) {
				errno = EINVAL;
				return -1;
			}
			failed[i] = (char)v;
		}
		failed[n / 2] = 0;
		int fd = open(failed, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, 0) != 0)
			return -1;
		close(fd);
		list += n + (list[n] == ',');
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 7)
		return 2;
	int report = atoi(argv[4]);
	int gate = atoi(argv[5]);
	/*
	 * Not dumpable: no process of the container's uid may ptrace us. Except for a user on the
	 * host (rootless, euid != 0): liblxc's clone child inherits it, and a monitor without
	 * CAP_SYS_PTRACE could then not open the child's namespaces (start.c preserve_ns). Such a
	 * monitor holds only the user's own privilege, which every other process of theirs holds.
	 */
	if (geteuid() == 0)
		prctl(PR_SET_DUMPABLE, 0);
	char go;
	ssize_t n;
	while ((n = read(gate, &go, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		_exit(254); /* create is gone: start nothing */
	close(gate);
	/* a signal to the caller's process group must not hit us; the container starts with default signals */
	setsid();
	reset_signals();

	const char *joins = getenv("LXCRI_MONITOR_JOINS");
	char failed[4096];
	if (joins && join_first(joins, failed, sizeof failed) != 0) {
		send_error(report, STEP_SETNS, errno, failed);
		return 255;
	}
	unsetenv("LXCRI_MONITOR_JOINS");

	struct lxc_container *c = lxc_container_new(argv[2], argv[1]);
	if (!c || !c->load_config(c, argv[3])) {
		send_error(report, STEP_CONFIG, errno, argv[3]);
		return 255;
	}
	c->want_daemonize(c, false);
	/* fds we inherited beyond $LISTEN_FDS (the report) must not reach the container */
	c->want_close_all_fds(c, true);
	bool ok = c->start(c, 0, argv + 6);
	int status = c->error_num;
	if (!ok && status == 1)
		_exit(255); /* start() failed before init ran (liblxc's initial error_num) */
	/* liblxc 5.0 stores a signal death as (sig << 8) | 0x7f (start.c, CLD_KILLED) */
	if ((status & 0xff) == 0x7f)
		_exit(128 + ((status >> 8) & 0x7f));
	if (status & 0x7f)
		_exit(128 + (status & 0x7f));
	_exit((status >> 8) & 0xff);
}
