// checkpoint: CRIU dumps a running container's process tree into an image
// directory (runc's layout). Without --leave-running (or --pre-dump) CRIU
// ends the processes and the container is deleted, as runc does: poststop
// hooks run, and `restore` makes it again from the image.
import { makeDirs, readLink, readText, writeFile } from "../../host/fs.ts";
import { resolve } from "node:path";
import type { Context } from "../../context.ts";
import { join } from "../../path.ts";
import { deleteContainer } from "../delete.ts";
import { allow, load, withLock } from "../load.ts";
import { readStoredSpec } from "../store.ts";
import { type CheckpointFlags, DESCRIPTORS_FILE, DUMP_LOG, dumpArgs, EXTERNAL_NS_KEY, type ExternalNs } from "./criu-args.ts";
import { runCriu } from "./criu.ts";
import { externalMounts, parseMountInfo } from "./mounts.ts";
import { checkSpec } from "./support.ts";

/** The image and work directories (runc's defaults: ./checkpoint, and the image directory), made 0700 if missing. */
export function criuDirs(flags: { imagePath?: string; workPath?: string }): { imagePath: string; workPath: string } {
  const imagePath = resolve(flags.imagePath || "checkpoint");
  const workPath = resolve(flags.workPath || imagePath);
  for (const d of [imagePath, workPath]) makeDirs(d, 0o700);
  return { imagePath, workPath };
}

export async function checkpoint(ctx: Context, id: string, flags: CheckpointFlags): Promise<void> {
  const gone = await withLock(load(ctx, id), async (c) => {
    allow(c, "checkpoint");
    const spec = readStoredSpec(c.dir);
    checkSpec(spec);
    const pid = c.record.initPid!;
    const { imagePath, workPath } = criuDirs(flags);
    // Namespaces joined by path stay out of the image (runc's rule): restore puts the process
    // into the one its config names then. The inode is init's own namespace's.
    const externalNs: Partial<Record<ExternalNs, string>> = {};
    for (const ns of spec.linux?.namespaces ?? []) {
      if (!ns.path || !(ns.type in EXTERNAL_NS_KEY)) continue;
      const link = readLink(`/proc/${pid}/ns/${ns.type === "network" ? "net" : "pid"}`);
      externalNs[ns.type as ExternalNs] = /\[(\d+)\]/.exec(link)![1]!;
    }
    const mounts = parseMountInfo(readText(`/proc/${pid}/mountinfo`));
    if (!flags.preDump) {
      // runc's descriptors.json: restore gives the process the caller's new pipes in place of these
      const fds = [0, 1, 2].map((fd) => {
        try {
          return readLink(`/proc/${pid}/fd/${fd}`);
        } catch {
          return "";
        }
      });
      writeFile(join(imagePath, DESCRIPTORS_FILE), JSON.stringify(fds), 0o600);
    }
    const args = dumpArgs(flags, { pid, imagePath, workPath, externalMounts: externalMounts(spec, c.record.bundle, mounts), externalNs });
    ctx.log.debug(`checkpoint: criu ${args.join(" ")}`);
    await runCriu(args, join(workPath, DUMP_LOG), [], flags.criu);
    return !flags.leaveRunning && !flags.preDump;
  });
  // CRIU ended the processes: the container goes as runc's does (outside the lock delete takes).
  if (gone) await deleteContainer(ctx, id, { force: true });
}
