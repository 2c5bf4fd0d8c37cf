// pause / resume: the cgroup freezer on every process of a running container.
import { type Context, containerDir } from "../context.ts";
import { setFrozen } from "../cgroups/container.ts";
import { LxcriError } from "../errors.ts";
import { lockFile } from "../host/fsutil.ts";
import { checkId } from "./ids.ts";
import { files, readRecord } from "./record.ts";
import { statusOf } from "./status.ts";

export async function setPaused(ctx: Context, id: string, paused: boolean): Promise<void> {
  checkId(id);
  const dir = containerDir(ctx, id);
  readRecord(dir, id); // "does not exist" before the lock file is touched
  const lock = lockFile(files(dir).lock);
  try {
    const record = readRecord(dir, id);
    const status = statusOf(record);
    const from = paused ? "running" : "paused";
    if (status !== from)
      throw new LxcriError("bad-state", `cannot ${paused ? "pause" : "resume"} container ${id}: it is ${status}, not ${from}`);
    await setFrozen(record, paused).catch((e: Error) => {
      throw new LxcriError("runtime", `cannot ${paused ? "pause" : "resume"} container ${id}: ${e.message}`);
    });
  } finally {
    lock.release();
  }
}
