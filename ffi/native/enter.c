/*
 * `lxcri-init exec <plan fd>`: `lxcri exec` enters a container as runc's
 * nsenter does (liblxc's attach would need liblxc's monitor, which does not
 * outlive create). Exec'd from a read-only detached mount, so its
 * /proc/self/exe is no writable host file while it is in the container's
 * namespaces. It joins the container's cgroups (writing "0" to the
 * cgroup.procs files lxcri opened), then each namespace that differs (the
 * user namespace last: joining it drops our host privileges), and clones
 * the process with CLONE_PARENT: it is lxcri exec's child, inside the
 * container's pid namespace. The process confines itself (confine.c) and
 * execs; its pid goes to the status fd as a PID frame, a failure as ERROR.
 * EOF after PID means the exec happened (the status fd is close-on-exec).
 * With an AppArmor profile, the host's /proc is opened before setns: the
 * process writes its attr file through it (apparmor.c), never through a
 * /proc the container mounted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>
#include "lxcri.h"

static int step_failed(int status, int step, const char *what)
{
	send_error(status, step, errno, what);
	return 1;
}

int enter_main(int plan_fd)
{
	static struct plan plan;
	prctl(PR_SET_DUMPABLE, 0);
	if (read_sealed_plan(plan_fd, &plan) != 0 || plan.kind != PLAN_EXEC)
		return 2;
	const struct exec_plan *e = &plan.exec;
	int status = e->status_fd;
	if (e->has_initial_cpus && syscall(SYS_sched_setaffinity, 0, sizeof e->initial_cpus, e->initial_cpus) != 0)
		return step_failed(status, STEP_CPUS_INITIAL, NULL);
	/* cgroups first: this process is still the host's root */
	for (uint32_t i = 0; i < e->ncg; i++)
		if (write(e->cg_fds[i], "0", 1) != 1)
			return step_failed(status, STEP_CGROUPS, NULL);
	if ((plan.process.apparmor || plan.process.selinux) && (proc_root = open_proc_root()) < 0)
		return step_failed(status, plan.process.apparmor ? STEP_APPARMOR : STEP_SELINUX,
				   plan.process.apparmor ? plan.process.apparmor : plan.process.selinux);
	for (uint32_t i = 0; i < e->nns; i++)
		if (setns(e->ns_fds[i], 0) != 0)
			return step_failed(status, STEP_SETNS, NULL);
	long child = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (child < 0)
		return step_failed(status, STEP_CLONE, NULL);
	if (child == 0) {
		if (e->tty_fd >= 0) {
			setsid();
			for (int fd = 0; fd <= 2; fd++)
				dup2(e->tty_fd, fd);
			if (ioctl(0, TIOCSCTTY, 0) != 0) {
				send_error(status, STEP_TTY, errno, NULL);
				_exit(126);
			}
		}
		int step = exec_process(&plan.process, status);
		send_error(status, step, errno, failed_subject(&plan.process, step, plan.process.args.items[0]));
		_exit(step != STEP_APPARMOR && step != STEP_SELINUX && errno == ENOENT ? 127 : 126);
	}
	if (proc_root >= 0)
		close(proc_root);
	uint8_t pid[4] = {(uint8_t)child, (uint8_t)(child >> 8), (uint8_t)(child >> 16), (uint8_t)(child >> 24)};
	send_frame(status, FRAME_PID, pid, 4);
	return 0;
}
