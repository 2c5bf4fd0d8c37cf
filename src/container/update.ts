// update: new cgroup limits for a created, running or paused container
// (runtime-spec LinuxResources, as podman, containerd and CRI-O send it).
// The same translation as create, written straight to the container's
// cgroup files. Device rules are not updated (runc ignores them too).
import type { Context } from "../context.ts";
import { writeCgroupItems } from "../cgroups/container.ts";
import { LxcriError } from "../errors.ts";
import { cgroupLayout } from "../cgroups/host.ts";
import { resourceItems } from "../lxc/resources.ts";
import type { Spec } from "../spec/types.ts";
import { load, require, withLock } from "./load.ts";

export async function update(ctx: Context, id: string, resources: Record<string, unknown>): Promise<void> {
  const container = load(ctx, id);
  if (typeof resources !== "object" || resources === null || Array.isArray(resources))
    throw new LxcriError("invalid-argument", "update: resources must be a JSON object (runtime-spec linux.resources)");
  const { devices: _ignored, ...rest } = resources;
  let items: ReturnType<typeof resourceItems>;
  try {
    items = resourceItems({ ociVersion: "1.0.0", linux: { resources: rest } } as unknown as Spec, cgroupLayout(), (m) => ctx.log.warn(m));
  } catch (e) {
    if (e instanceof LxcriError)
      throw new LxcriError("invalid-argument", e.message.replace(/^config\.json: linux\.resources\.?/, "--resources: "));
    throw e;
  }
  await withLock(container, (c) => {
    require(c, "update");
    try {
      writeCgroupItems(c.record, items);
    } catch (e) {
      throw new LxcriError("runtime", `cannot update container ${id}: ${(e as Error).message}`);
    }
  });
}
