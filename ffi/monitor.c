/*
 * The monitor: liblxc refuses a non-daemonized start() in a multi-threaded
 * process, and Bun is always multi-threaded. So the monitor runs in a
 * single-threaded process with only C in it, calls start() with daemonize
 * off, so liblxc's monitor loop runs in it and the container init is its
 * child, and _exit()s with init's exit status (128+signal when init was
 * killed). Two ways to get there, both forking from Bun first:
 *  - lxcri_spawn_monitor: the child execs lxcri-monitor (monitor-main.c), a
 *    small program that loads the saved config and runs lxcri_run_monitor.
 *    The monitor then costs what a C program with liblxc costs (~1 MB Pss)
 *    instead of a copy of Bun's memory (~7 MB Pss).
 *  - lxcri_start_monitor: the child runs lxcri_run_monitor on the container
 *    create configured, when no lxcri-monitor is installed.
 * No headers: TinyCC (bun:ffi cc) compiles this without a libc dev package.
 */
typedef int pid_t;
extern pid_t fork(void);
extern pid_t setsid(void);
extern void _exit(int);
extern void *signal(int, void *);
extern int putenv(char *);
extern int execv(const char *, char *const[]);

typedef _Bool (*start_fn)(void *, int, char *const[]);
typedef _Bool (*flag_fn)(void *, _Bool);

/* struct lxc_container offsets (liblxc 5.0.x, x86_64) */
#define OFF_ERROR_NUM 64
#define OFF_LOAD_CONFIG 128
#define OFF_START 136
#define OFF_WANT_DAEMONIZE 160
#define OFF_WANT_CLOSE_ALL_FDS 168

/* In the new child: its own session (a signal to the caller's process group must not
 * hit the monitor), default signal handling (Bun ignores SIGPIPE/SIGXFSZ and catches
 * others; the container must start clean), and `env` ("NAME=value", NULL-terminated,
 * or NULL) added to its environment. */
static void lxcri_monitor_child(char **env)
{
	setsid();
	for (int sig = 1; sig < 32; sig++)
		if (sig != 9 && sig != 19)
			signal(sig, (void *)0);
	for (; env && *env; env++)
		putenv(*env);
}

/* Runs the container in this process and exits with init's status. */
static void lxcri_run_monitor(void *c, char **argv)
{
	(*(flag_fn *)((char *)c + OFF_WANT_DAEMONIZE))(c, 0);
	/* Fds we inherited (Bun's epoll, eventfd, ...) must not reach the container. */
	(*(flag_fn *)((char *)c + OFF_WANT_CLOSE_ALL_FDS))(c, 1);
	_Bool ok = (*(start_fn *)((char *)c + OFF_START))(c, 0, argv);
	int status = *(int *)((char *)c + OFF_ERROR_NUM);
	if (!ok && status == 1)
		_exit(255); /* start() failed before init ran (liblxc's initial error_num) */
	/* liblxc 5.0 stores a signal death as (sig << 8) | 0x7f (start.c, CLD_KILLED). */
	if ((status & 0xff) == 0x7f)
		_exit(128 + ((status >> 8) & 0x7f));
	if (status & 0x7f)
		_exit(128 + (status & 0x7f));
	_exit((status >> 8) & 0xff);
}

/* Forks a monitor that runs the container `c` configured in this process. Returns its pid (or -1). */
int lxcri_start_monitor(void *c, char **argv, char **env)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	lxcri_monitor_child(env);
	lxcri_run_monitor(c, argv);
	return -1; /* not reached; TinyCC wants a return */
}

/* Forks a monitor that execs `path` (lxcri-monitor) with `argv`. Returns its pid (or -1). */
int lxcri_spawn_monitor(const char *path, char **argv, char **env)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	lxcri_monitor_child(env);
	execv(path, argv);
	_exit(255);
	return -1;
}
