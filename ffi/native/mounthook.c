/*
 * `lxcri-init mount-hook <socket fd>`: liblxc's lxc.hook.mount for a
 * container with prestart, createRuntime or createContainer hooks, run
 * (sh -c "exec /proc/self/fd/N mount-hook <fd>": the sealed lxcri-init) in
 * the container's namespaces after its mounts and before pivot_root. Over
 * the socket at <fd> (create's, inherited through liblxc: no path anyone
 * else could reach; src/hooks/server.ts is create's side):
 *   ─▶ PID: init's host pid; create runs prestart and createRuntime in the
 *      runtime's namespaces with it
 *   ◀─ HOOKS: the createContainer hooks, their environment (the runtime's),
 *      cwd (the bundle), state and default timeout (anything else: a hook
 *      failed there, create reports it)
 *   ─▶ HOOK per run (hooks.c; create appends it to hooks.log: with a user
 *      namespace we run as its root), OUTPUT chunks when the hook output
 *      annotations ask for them (the files are create's, never opened here),
 *      then DONE, or ERROR (step HOOK) at the first failure.
 * It replaced a Bun program (`lxcri __mount-hook`) whose start-up was most of
 * what hooks added to create (docs/performance.md, "The mount-hook lever").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lxcri.h"

/* The most create sends: the hooks, the runtime's environment and the state (with its annotations). */
#define MAX_RUN (64u << 20)

/* The value of `key` ("PPid:", "NSpid:") in /proc/<pid>/status, its last field: the pid in the innermost namespace. */
static long status_field(const char *pid, const char *key)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%s/status", pid);
	FILE *f = fopen(path, "re");
	long v = -1;
	if (!f)
		return -1;
	size_t n = strlen(key);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, n)) {
			char *last = strrchr(line, '\t');
			v = strtol(last ? last + 1 : line + n, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* A createContainer hook as the runtime runs it: every signal default, only stdio and the status fd, the bundle as cwd, execve as is. */
static void exec_plain(const struct hook_runner *rn, const struct hook *h)
{
	const struct hook_run *run = rn->ctx;
	reset_signals();
	syscall(SYS_close_range, 4, ~0U, 0);
	if (chdir(run->cwd) != 0) {
		send_error(3, STEP_CHDIR, errno, h->path);
		_exit(127);
	}
	char *fallback[2] = {h->path, NULL};
	char *const *argv = h->argv.count ? h->argv.items : fallback;
	/* hooks without env get the runtime's, as in runc */
	char *const *envp = h->has_env ? h->env.items : run->env.items;
	execve(h->path, argv, envp);
	send_error(3, STEP_EXEC, errno, h->path);
	_exit(127);
}

int mount_hook_main(int sock)
{
	/* liblxc's signal dispositions are not ours: a SIGCHLD it ignores would reap the hooks; a hook
	 * that leaves its stdin unread must not kill us with SIGPIPE (each hook starts with none ignored) */
	reset_signals();
	signal(SIGPIPE, SIG_IGN);
	/* our parent is the container's init-to-be; /proc is still the host's, so its pids are the host's */
	char ppid[24];
	long host = status_field("self", "PPid:");
	snprintf(ppid, sizeof ppid, "%ld", host);
	long inner = host > 0 ? status_field(ppid, "NSpid:") : -1;
	if (host <= 0 || inner <= 0)
		return 1;
	uint8_t pid[4];
	for (int i = 0; i < 4; i++)
		pid[i] = (uint8_t)((uint32_t)host >> (8 * i));
	if (send_frame(sock, FRAME_PID, pid, sizeof pid) != 0)
		return 1;
	int kind;
	uint32_t len;
	uint8_t *data = read_frame_alloc(sock, &kind, MAX_RUN, &len);
	static struct hook_run run;
	if (!data || kind != FRAME_HOOKS || read_hook_run(data, len, &run) != 0)
		return 1; /* create reports the failing hook */
	free(data);
	/* the state with init's pid as the container sees it */
	char pidtext[24];
	snprintf(pidtext, sizeof pidtext, "%ld", inner);
	size_t a = strlen(run.state_before), b = strlen(pidtext), c = strlen(run.state_after);
	char *state = malloc(a + b + c + 1);
	if (!state)
		return 1;
	memcpy(state, run.state_before, a);
	memcpy(state + a, pidtext, b);
	memcpy(state + a + b, run.state_after, c + 1);
	struct hook_runner rn = {
		.default_timeout = run.timeout,
		.relay = run.relay ? sock : -1,
		.new_session = 1, /* as Bun.spawn's `detached` made it */
		.exec = exec_plain,
		.ctx = &run,
	};
	if (run_hooks(&rn, run.hooks, run.nhooks, state, a + b + c, sock) != 0)
		return 1;
	return send_frame(sock, FRAME_DONE, NULL, 0) == 0 ? 0 : 1;
}
