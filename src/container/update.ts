// update: new cgroup limits for a created, running or paused container
// (runtime-spec LinuxResources, as podman, containerd and CRI-O send it).
// Checked as --resources (errors name its fields), then the same
// translation as create's, written straight to the container's cgroup files
// (and, for a container in a systemd scope, set as the scope's properties first).
// Device rules are not updated (runc ignores them too). With
// memory.checkBeforeUpdate (the update's own, else the last update's, else
// config.json's: runc keeps it so), a memory or memory+swap limit at or below the current usage is refused
// before anything is written (runc does so on cgroup v2; lxcri on v1 too,
// where the kernel would otherwise reclaim, swap or fail half-way).
import type { Context } from "../context.ts";
import { driverOf } from "../cgroups/driver.ts";
import { checkedFrom, LxcriError, type Source } from "../errors.ts";
import { cgroupLayout } from "../cgroups/host.ts";
import type { CgroupLayout } from "../cgroups/layout.ts";
import { type CgroupSetting, cgroupSettings } from "../cgroups/settings.ts";
import { validateResources } from "../spec/validate.ts";
import type { Resources } from "../spec/types.ts";
import { allow, load, withLock } from "./load.ts";
import { readStoredSpec, writeRecord } from "./store.ts";

const RESOURCES: Source = { label: "--resources", code: "invalid-argument" };

/** The cgroup settings for an update's resources on a `layout` host; errors and warnings name --resources and the field. */
export function updateSettings(resources: Record<string, unknown>, layout: CgroupLayout, warn: (m: string) => void): CgroupSetting[] {
  const { devices: _ignored, ...rest } = resources;
  const r = validateResources(rest, RESOURCES);
  return checkedFrom(RESOURCES, () => cgroupSettings(r, layout, (m) => warn(`${RESOURCES.label}: ${m}`), ""));
}

/**
 * runc's CheckMemoryUsage: with `check`, a new memory (or memory+swap) limit at or
 * below `usage` bytes is refused, naming the field; -1 and 0 ("no limit") pass.
 */
export function memoryUsageCheck(r: Pick<Resources, "memory">, check: boolean, usage: number | undefined): void {
  const m = r.memory;
  if (!check || !m || usage === undefined) return;
  for (const [field, what] of [
    ["swap", "memory+swap limit"],
    ["limit", "memory limit"],
  ] as const) {
    const v = m[field];
    if (v !== undefined && v > 0 && v <= usage)
      throw new LxcriError(
        "invalid-argument",
        `${RESOURCES.label}: memory.${field}: rejecting ${what} ${v} <= usage ${usage} (memory.checkBeforeUpdate)`,
      );
  }
}

export async function update(ctx: Context, id: string, resources: Record<string, unknown>): Promise<void> {
  const container = load(ctx, id);
  if (typeof resources !== "object" || resources === null || Array.isArray(resources))
    throw new LxcriError("invalid-argument", "update: resources must be a JSON object (runtime-spec linux.resources)");
  const layout = cgroupLayout();
  const settings = updateSettings(resources, layout, (m) => ctx.log.warn(m));
  const asked = (resources.memory as Resources["memory"] | undefined)?.checkBeforeUpdate;
  await withLock(container, async (c) => {
    allow(c, "update");
    const check = asked ?? c.record.memoryCheckBeforeUpdate ?? readStoredSpec(c.dir).linux?.resources?.memory?.checkBeforeUpdate ?? false;
    const cgroups = driverOf(c.record);
    memoryUsageCheck(resources as Pick<Resources, "memory">, check, check ? await cgroups.memoryUsage() : undefined);
    if (asked !== undefined && asked !== c.record.memoryCheckBeforeUpdate) {
      c.record.memoryCheckBeforeUpdate = asked;
      writeRecord(c.dir, c.record);
    }
    try {
      await cgroups.update(settings, layout);
    } catch (e) {
      throw new LxcriError("runtime", `cannot update container ${id}: ${(e as Error).message}`);
    }
  });
}
