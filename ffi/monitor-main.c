/*
 * lxcri-monitor <lxcpath> <name> <config file> <init argv...>
 * The container's monitor as a program of its own (see monitor.c): loads the
 * LXC config create saved and runs the container, exiting with init's status
 * (255 when it could not start). Built by scripts/build.ts with the system cc,
 * linked against liblxc.so.1; create execs it right after forking.
 */
#include "monitor.c"

extern void *lxc_container_new(const char *name, const char *configpath);

typedef _Bool (*load_fn)(void *, const char *);

int main(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	void *c = lxc_container_new(argv[2], argv[1]);
	if (!c || !(*(load_fn *)((char *)c + OFF_LOAD_CONFIG))(c, argv[3]))
		_exit(255);
	lxcri_run_monitor(c, argv + 4);
	return 255;
}
