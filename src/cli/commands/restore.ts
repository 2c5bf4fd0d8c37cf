import { globals, runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function restore({ id, flags }: Call<"restore">): Promise<void> {
  const { refuseUnsupported } = await import("../../container/checkpoint/criu-args.ts");
  refuseUnsupported(flags, ["console-socket", "lazy-pages", "lsm-profile", "lsm-mount-context"]);
  const r = await (await runtime()).restore(id, {
    bundle: flags.bundle,
    imagePath: flags["image-path"],
    workPath: flags["work-path"],
    detach: flags.detach,
    pidFile: flags["pid-file"],
    tcpEstablished: flags["tcp-established"],
    extUnixSk: flags["ext-unix-sk"],
    shellJob: flags["shell-job"],
    fileLocks: flags["file-locks"],
    manageCgroupsMode: flags["manage-cgroups-mode"],
    emptyNs: flags["empty-ns"],
    autoDedup: flags["auto-dedup"],
    criu: globals.criu,
  });
  // without --detach: the container's exit status, as runc restore gives it
  if (typeof r === "number") process.exitCode = r;
}
