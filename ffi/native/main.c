/* lxcri-init: `init <plan fd>` (init.c), `exec <plan fd>` (enter.c), `mount-hook <socket fd>` (mounthook.c), `propagate …` (propagate.c), `idmap …` (idmap.c), `stage …` (stage.c), `userns-maps <path>` (userns.c), or `plan <fd>` and `hook-run <fd>` (dump.c, for tests). */
#include <stdlib.h>
#include <string.h>
#include "lxcri.h"

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "init"))
		return init_main(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "exec"))
		return enter_main(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "mount-hook"))
		return mount_hook_main(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "plan"))
		return dump_main(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "hook-run"))
		return dump_hook_run_main(atoi(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "propagate"))
		return propagate_main(argc, argv);
	if (argc >= 4 && !strcmp(argv[1], "stage"))
		return stage_main(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "idmap"))
		return idmap_main(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "userns-maps"))
		return userns_maps_main(argv[2]);
	return 2;
}
