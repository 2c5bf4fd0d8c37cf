import { globals, runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function checkpoint({ id, flags }: Call<"checkpoint">): Promise<void> {
  const { refuseUnsupported } = await import("../../container/checkpoint/criu-args.ts");
  refuseUnsupported(flags, ["lazy-pages", "status-fd", "page-server"]);
  await (await runtime()).checkpoint(id, {
    imagePath: flags["image-path"],
    workPath: flags["work-path"],
    parentPath: flags["parent-path"],
    leaveRunning: flags["leave-running"],
    tcpEstablished: flags["tcp-established"],
    extUnixSk: flags["ext-unix-sk"],
    shellJob: flags["shell-job"],
    fileLocks: flags["file-locks"],
    preDump: flags["pre-dump"],
    manageCgroupsMode: flags["manage-cgroups-mode"],
    emptyNs: flags["empty-ns"],
    autoDedup: flags["auto-dedup"],
    criu: globals.criu,
  });
}
