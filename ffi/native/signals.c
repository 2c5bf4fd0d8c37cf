/*
 * Every signal back to its default action and none blocked: what a container
 * process starts with (confine.c, before execve) and what lxcri-monitor gives
 * liblxc, whose container inherits it (monitor.c).
 */
#define _GNU_SOURCE
#include <signal.h>
#include "lxcri.h"

void reset_signals(void)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	for (int sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
