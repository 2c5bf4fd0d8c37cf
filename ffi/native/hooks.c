/*
 * Hooks run in C, one way for two points: startContainer hooks, run by init
 * at start inside the container, each confined first (confine.c: the
 * process's capability sets, seccomp filter, no_new_privs, user and rlimits:
 * a program from the image never runs with more); and createContainer hooks,
 * run by the mount hook (mounthook.c) in the container's namespaces, as the
 * runtime runs them (its environment, the bundle as cwd). Each hook runs in a
 * child of its own process group (or session), with the container's state on
 * stdin (EPIPE tolerated), its `timeout` (else the runtime's default)
 * enforced by SIGTERM to the group and SIGKILL one second later, and one HOOK
 * frame per run for the trace:
 *   u32 index, u64 start (ms since the epoch), u64 duration (ms), i32 exit
 *   code (-1: none), u32 signal, u32 timed out, str error, str stdout tail,
 *   str stderr tail.
 * The first failure ends the run with an ERROR frame (step HOOK).
 * src/hooks/run.ts runs the other points in Bun with the same semantics
 * (test/integration/hooks-contract.test.ts compares the records).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lxcri.h"

#define TAIL 4096
#define KILL_GRACE_MS 1000

struct tail {
	char data[TAIL];
	uint32_t len;
};

static void tail_add(struct tail *t, const char *p, size_t n)
{
	if (n >= TAIL) {
		memcpy(t->data, p + n - TAIL, TAIL);
		t->len = TAIL;
		return;
	}
	if (t->len + n > TAIL) {
		uint32_t drop = (uint32_t)(t->len + n - TAIL);
		memmove(t->data, t->data + drop, t->len - drop);
		t->len -= drop;
	}
	memcpy(t->data + t->len, p, n);
	t->len += (uint32_t)n;
}

/* Reads what is there, relaying it as OUTPUT frames of `stream` when relay >= 0; returns 0 at EOF (and closes the fd), 1 otherwise. */
static int drain(int *fd, struct tail *t, int relay, uint32_t stream)
{
	uint8_t frame[4 + 4096];
	char *buf = (char *)frame + 4;
	for (;;) {
		ssize_t n = read(*fd, buf, 4096);
		if (n > 0) {
			tail_add(t, buf, (size_t)n);
			if (relay >= 0) {
				for (int i = 0; i < 4; i++)
					frame[i] = (uint8_t)(stream >> (8 * i));
				send_frame(relay, FRAME_OUTPUT, frame, 4 + (uint32_t)n);
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		close(*fd);
		*fd = -1;
		return 0;
	}
}

static uint64_t now_ms(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct run {
	int32_t exit_code;
	uint32_t signal, timed_out;
	char error[256];
	struct tail out, err;
};

/* In the hook's child: its group (or session), stdio from the pipes, the status fd at 3 (close-on-exec), then the runner's exec. */
static __attribute__((noreturn)) void child(const struct hook_runner *rn, const struct hook *h, int in, int out, int err, int status)
{
	if (rn->new_session)
		setsid();
	else
		setpgid(0, 0);
	int st = fcntl(status, F_DUPFD_CLOEXEC, 10);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0 || dup3(st, 3, O_CLOEXEC) < 0)
		_exit(127);
	rn->exec(rn, h);
	_exit(127);
}

/* startContainer: confined as the container's process, in the container's cwd "/". */
static void exec_confined(const struct hook_runner *rn, const struct hook *h)
{
	const struct plan *plan = rn->ctx;
	struct process_plan p = plan->process;
	/* no notify fd for a hook (its status fd is a pipe): a notified syscall fails with ENOSYS,
	 * as the kernel has it without a listener; TSYNC_ESRCH went only with the listener */
	p.seccomp_flags &= ~((1u << 3) | (1u << 4) | (1u << 5));
	p.cwd = "/";
	p.keep_fds = 3;
	p.lookup_home = 0;
	p.has_final_cpus = 0;
	char *fallback[2] = {h->path, NULL};
	char *const *argv = h->argv.count ? h->argv.items : fallback;
	/* hooks without env get the container's, as in runc */
	char *const *envp = h->has_env ? h->env.items : plan->process.env.items;
	int step = exec_as(&p, 3, h->path, argv, envp);
	send_error(3, step, errno, failed_subject(&p, step, h->path));
	_exit(step != STEP_APPARMOR && step != STEP_SELINUX && errno == ENOENT ? 127 : 126);
}

static void run_one(const struct hook_runner *rn, const struct hook *h, const char *state, size_t state_len, struct run *r)
{
	int in[2], out[2], err[2], st[2];
	memset(r, 0, sizeof *r);
	r->exit_code = -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) || pipe2(st, O_CLOEXEC)) {
		snprintf(r->error, sizeof r->error, "cannot execute: %s", strerrorname_np(errno));
		r->exit_code = 127;
		return;
	}
	pid_t pid = fork();
	if (pid == 0)
		child(rn, h, in[0], out[1], err[1], st[1]);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	close(st[1]);
	if (pid < 0) {
		snprintf(r->error, sizeof r->error, "cannot execute: %s", strerrorname_np(errno));
		r->exit_code = 127;
		close(in[1]), close(out[0]), close(err[0]), close(st[0]);
		return;
	}
	for (int *fd = (int[]){in[1], out[0], err[0]}, i = 0; i < 3; i++)
		fcntl(fd[i], F_SETFL, fcntl(fd[i], F_GETFL) | O_NONBLOCK);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	uint64_t timeout = (uint64_t)(h->timeout ? h->timeout : rn->default_timeout) * 1000;
	uint64_t started = now_ms(CLOCK_MONOTONIC), kill_at = 0;
	int stdin_fd = in[1], outs[2] = {out[0], err[0]}, exited = 0, status = 0;
	size_t written = 0;
	while (!exited) {
		uint64_t now = now_ms(CLOCK_MONOTONIC);
		if (!r->timed_out && now - started >= timeout) {
			r->timed_out = 1;
			kill(-pid, SIGTERM);
			kill_at = now + KILL_GRACE_MS;
		}
		if (kill_at && now >= kill_at) {
			kill(-pid, SIGKILL);
			kill_at = 0;
		}
		struct pollfd fds[4] = {{pidfd, POLLIN, 0}, {outs[0], POLLIN, 0}, {outs[1], POLLIN, 0}, {stdin_fd, POLLOUT, 0}};
		uint64_t next = r->timed_out ? (kill_at ? kill_at : now + 100) : started + timeout;
		poll(fds, 4, (int)(next > now ? next - now : 0));
		if (stdin_fd >= 0 && fds[3].revents) {
			ssize_t n = write(stdin_fd, state + written, state_len - written);
			if (n > 0)
				written += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == state_len) {
				close(stdin_fd); /* done, or the hook does not read it (EPIPE) */
				stdin_fd = -1;
			}
		}
		for (int i = 0; i < 2; i++)
			if (outs[i] >= 0 && fds[1 + i].revents)
				drain(&outs[i], i ? &r->err : &r->out, rn->relay, (uint32_t)i + 1);
		if (pidfd < 0 || fds[0].revents)
			exited = waitpid(pid, &status, pidfd < 0 ? 0 : WNOHANG) == pid;
	}
	if (r->timed_out)
		kill(-pid, SIGKILL); /* what the hook left in its group goes too */
	if (stdin_fd >= 0)
		close(stdin_fd);
	/* output still held open by a child of the hook must not hold us up */
	uint64_t stop = now_ms(CLOCK_MONOTONIC) + 100;
	while ((outs[0] >= 0 || outs[1] >= 0) && now_ms(CLOCK_MONOTONIC) < stop) {
		struct pollfd fds[2] = {{outs[0], POLLIN, 0}, {outs[1], POLLIN, 0}};
		poll(fds, 2, 20);
		for (int i = 0; i < 2; i++)
			if (outs[i] >= 0 && fds[i].revents)
				drain(&outs[i], i ? &r->err : &r->out, rn->relay, (uint32_t)i + 1);
	}
	for (int i = 0; i < 2; i++)
		if (outs[i] >= 0)
			close(outs[i]);
	if (pidfd >= 0)
		close(pidfd);
	if (WIFEXITED(status))
		r->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		r->signal = (uint32_t)WTERMSIG(status);
	int kind;
	uint32_t len;
	uint8_t report[16 + 4096]; /* an ERROR frame: step, errno, the subject (a path of up to 4096 bytes) */
	if (read_frame(st[0], &kind, report, sizeof report, &len) == 0 && kind == FRAME_ERROR && len >= 8) {
		uint32_t step = (uint32_t)report[0] | (uint32_t)report[1] << 8 | (uint32_t)report[2] << 16 | (uint32_t)report[3] << 24;
		int e = (int)((uint32_t)report[4] | (uint32_t)report[5] << 8 | (uint32_t)report[6] << 16 | (uint32_t)report[7] << 24);
		snprintf(r->error, sizeof r->error, "%s: %s",
			 step == STEP_APPARMOR   ? "cannot apply process.apparmorProfile"
			 : step == STEP_SELINUX ? "cannot apply process.selinuxLabel"
						: "cannot execute",
			 strerrorname_np(e) ? strerrorname_np(e) : "error");
		r->exit_code = 127;
		r->signal = 0;
	}
	close(st[0]);
	if (r->timed_out)
		snprintf(r->error, sizeof r->error, "timed out after %u s", (unsigned)(timeout / 1000));
}

int run_hooks(const struct hook_runner *rn, const struct hook *hooks, uint32_t n, const char *state, size_t state_len, int channel)
{
	for (uint32_t i = 0; i < n; i++) {
		const struct hook *h = &hooks[i];
		struct run r;
		uint64_t started = now_ms(CLOCK_REALTIME), mono = now_ms(CLOCK_MONOTONIC);
		run_one(rn, h, state, state_len, &r);
		struct buf f = {0};
		buf_u32(&f, h->index);
		buf_u64(&f, started);
		buf_u64(&f, now_ms(CLOCK_MONOTONIC) - mono);
		buf_u32(&f, (uint32_t)r.exit_code);
		buf_u32(&f, r.signal);
		buf_u32(&f, r.timed_out);
		buf_str(&f, r.error, (uint32_t)strlen(r.error));
		buf_str(&f, r.out.data, r.out.len);
		buf_str(&f, r.err.data, r.err.len);
		send_frame(channel, FRAME_HOOK, f.data, f.len);
		free(f.data);
		if (r.timed_out || r.error[0] || r.signal || r.exit_code != 0) {
			send_error(channel, STEP_HOOK, 0, h->path);
			return -1;
		}
	}
	return 0;
}

int run_start_hooks(const struct plan *plan, int channel, long pid)
{
	const struct init_plan *ip = &plan->init;
	if (!ip->nhooks)
		return 0;
	/* the state with our pid as the container sees it */
	char pidtext[24];
	snprintf(pidtext, sizeof pidtext, "%ld", pid);
	size_t a = strlen(ip->state_before), b = strlen(pidtext), c = strlen(ip->state_after);
	char *state = malloc(a + b + c + 1);
	if (!state)
		return -1;
	memcpy(state, ip->state_before, a);
	memcpy(state + a, pidtext, b);
	memcpy(state + a + b, ip->state_after, c + 1);
	struct hook_runner rn = {.default_timeout = ip->hook_timeout, .relay = -1, .exec = exec_confined, .ctx = plan};
	int r = run_hooks(&rn, ip->hooks, ip->nhooks, state, a + b + c, channel);
	free(state);
	return r;
}
