/*
 * The monitor: liblxc refuses a non-daemonized start() in a multi-threaded
 * process, and Bun is always multi-threaded. This function forks; the child
 * is single-threaded and runs only C: it calls start() with daemonize off,
 * so liblxc's monitor loop runs in it and the container init is its child,
 * and it _exit()s with init's exit status (128+signal when init was killed).
 * No headers: TinyCC (bun:ffi cc) compiles this without a libc dev package.
 */
typedef int pid_t;
extern pid_t fork(void);
extern pid_t setsid(void);
extern void _exit(int);
extern void *signal(int, void *);
extern int putenv(char *);

typedef _Bool (*start_fn)(void *, int, char *const[]);
typedef _Bool (*flag_fn)(void *, _Bool);

/* struct lxc_container offsets (liblxc 5.0.x, x86_64) */
#define OFF_ERROR_NUM 64
#define OFF_START 136
#define OFF_WANT_DAEMONIZE 160
#define OFF_WANT_CLOSE_ALL_FDS 168

/* env: NULL-terminated "NAME=value" strings for the monitor's own environment, or NULL. */
int lxcri_start_monitor(void *c, char **argv, char **env)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid; /* parent: the monitor's pid, or -1 */

	/* Own session: a signal to the caller's process group must not hit the monitor. */
	setsid();
	/* Bun ignores SIGPIPE/SIGXFSZ and catches others; the container must start clean. */
	for (int sig = 1; sig < 32; sig++)
		if (sig != 9 && sig != 19)
			signal(sig, (void *)0);

	for (; env && *env; env++)
		putenv(*env);
	(*(flag_fn *)((char *)c + OFF_WANT_DAEMONIZE))(c, 0);
	/* Bun's own fds (epoll, eventfd, ...) must not reach the container. */
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
	return -1; /* not reached; TinyCC wants a return */
}
