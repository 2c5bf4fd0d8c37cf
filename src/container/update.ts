// update: new cgroup limits for a created, running or paused container
// (runtime-spec LinuxResources, as podman, containerd and CRI-O send it).
// Checked as --resources (errors name its fields), then the same
// translation as create's, written straight to the container's cgroup files
// (and, for a container in a systemd scope, set as the scope's properties first).
// Device rules are not updated (runc ignores them too).
import type { Context } from "../context.ts";
import { writeCgroupItems } from "../cgroups/container.ts";
import { checkedFrom, LxcriError, type Source } from "../errors.ts";
import { cgroupLayout } from "../cgroups/host.ts";
import type { CgroupLayout } from "../lxc/devices.ts";
import type { ConfigItem } from "../lxc/items.ts";
import { resourceItems } from "../lxc/resources.ts";
import { scopeProperties } from "../lxc/systemd-cgroup.ts";
import { validateResources } from "../spec/validate.ts";
import { setProperties } from "../systemd/units.ts";
import { load, require, withLock } from "./load.ts";

const RESOURCES: Source = { label: "--resources", code: "invalid-argument" };

/** The cgroup items for an update's resources on a `layout` host; errors and warnings name --resources and the field. */
export function updateItems(resources: Record<string, unknown>, layout: CgroupLayout, warn: (m: string) => void): ConfigItem[] {
  const { devices: _ignored, ...rest } = resources;
  const r = validateResources(rest, RESOURCES);
  return checkedFrom(RESOURCES, () => resourceItems(r, layout, (m) => warn(`${RESOURCES.label}: ${m}`), ""));
}

export async function update(ctx: Context, id: string, resources: Record<string, unknown>): Promise<void> {
  const container = load(ctx, id);
  if (typeof resources !== "object" || resources === null || Array.isArray(resources))
    throw new LxcriError("invalid-argument", "update: resources must be a JSON object (runtime-spec linux.resources)");
  const items = updateItems(resources, cgroupLayout(), (m) => ctx.log.warn(m));
  await withLock(container, async (c) => {
    require(c, "update");
    try {
      // the scope's properties first: systemd writes the files for those itself
      if (c.record.systemdUnit) await setProperties(c.record.systemdUnit, c.record.systemdInvocation, scopeProperties(items));
      writeCgroupItems(c.record, items);
    } catch (e) {
      throw new LxcriError("runtime", `cannot update container ${id}: ${(e as Error).message}`);
    }
  });
}
