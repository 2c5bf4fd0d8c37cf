/*
 * A pod's sandbox process, as Kubernetes' pause: holds the pod's namespaces, reaps the
 * processes the pod's pid namespace hands it, and exits 0 on SIGINT or SIGTERM. Built
 * statically by test/integration/containerd.test.ts into a one-file rootfs.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig)
{
	(void)sig;
	_exit(0);
}

static void reap(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0) {
	}
}

int main(void)
{
	struct sigaction term = {.sa_handler = stop}, chld = {.sa_handler = reap, .sa_flags = SA_NOCLDSTOP | SA_RESTART};
	sigaction(SIGINT, &term, NULL);
	sigaction(SIGTERM, &term, NULL);
	sigaction(SIGCHLD, &chld, NULL);
	for (;;)
		pause();
}
