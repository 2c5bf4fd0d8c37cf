/*
 * `lxcri-init stage <report fd> <stage dir> [<source> <type> <flags> <data> <destination>]...`:
 * filesystems liblxc 5.0 would mount as something else than asked (src/lxc/staged-mounts.ts:
 * a filesystem option without "=", a mount label with a category set), mounted here with their
 * mount(2) flags and the whole data string, as runc mounts them.
 *
 * liblxc runs this as lxc.hook.pre-mount (`sh -c "exec <cmd>"`) in the container's child: in
 * its mount namespace (and user namespace), after it made the host's shared mounts dependents
 * and before it mounts the rootfs and the mount entries. A private tmpfs goes over the stage
 * directory (empty on the host; the tmpfs exists in this namespace only, below a dependent or
 * private mount, so nothing reaches the host), and mount k at <stage dir>/<k>; liblxc's mount
 * entry for it is a bind of that, in the config's order. All of it goes with the old root at
 * pivot_root; the binds keep the filesystems.
 *
 * Strings travel hex-encoded (liblxc runs a hook through `sh -c`: hex needs no quoting), flags
 * in decimal. A failure is an ERROR frame on <report fd> naming the mount's destination (create
 * reads it; liblxc keeps that fd for the container, and init closes it) and exit status 1,
 * which makes liblxc fail the start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lxcri.h"

#define FIELDS 5
#define MAX_MOUNTS 256

static int report = -1;

static __attribute__((noreturn)) void fail(const char *what)
{
	send_error(report, STEP_STAGED_MOUNT, errno, what);
	_exit(1);
}

int stage_main(int argc, char **argv)
{
	if (argc < 4 || (argc - 4) % FIELDS || (argc - 4) / FIELDS > MAX_MOUNTS)
		return 2;
	report = atoi(argv[2]);
	char *dir = unhex(argv[3]);
	if (!dir || dir[0] != '/') {
		errno = EINVAL;
		fail(argv[3]);
	}
	if (mount("lxcri-stage", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=4k") < 0)
		fail(dir);
	if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0)
		fail(dir);
	int n = (argc - 4) / FIELDS;
	for (int k = 0; k < n; k++) {
		char **f = argv + 4 + k * FIELDS;
		char *source = unhex(f[0]), *type = unhex(f[1]), *data = unhex(f[3]), *dest = unhex(f[4]);
		char *end;
		errno = 0;
		unsigned long flags = strtoul(f[2], &end, 10);
		if (!source || !type || !data || !dest || *end || errno) {
			errno = EINVAL;
			fail(dest ? dest : f[4]);
		}
		char at[PATH_MAX];
		if (snprintf(at, sizeof at, "%s/%d", dir, k) >= (int)sizeof at) {
			errno = ENAMETOOLONG;
			fail(dest);
		}
		if (mkdir(at, 0700) < 0)
			fail(dest);
		if (mount(source, at, type, flags, *data ? data : NULL) < 0)
			fail(dest);
		free(source);
		free(type);
		free(data);
		free(dest);
	}
	return 0;
}
