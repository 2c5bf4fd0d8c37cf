// pause / resume: the cgroup freezer on every process of a running container.
import { driverOf } from "../cgroups/driver.ts";
import type { Context } from "../context.ts";
import { LxcriError } from "../errors.ts";
import { allow, load, withLock } from "./load.ts";

export async function setPaused(ctx: Context, id: string, paused: boolean): Promise<void> {
  const op = paused ? "pause" : "resume";
  await withLock(load(ctx, id), async (c) => {
    allow(c, op);
    await driverOf(c.record)
      .setFrozen(paused)
      .catch((e: Error) => {
        throw new LxcriError("runtime", `cannot ${op} container ${id}: ${e.message}`);
      });
  });
}
