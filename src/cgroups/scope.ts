// --systemd-cgroup: callers then give cgroupsPath as "slice:prefix:name"
// (runc's systemd driver). lxcri maps it to the cgroupfs path systemd itself
// would use — /<expanded slice>/<prefix>-<name>.scope — where liblxc makes
// the container's cgroup; where systemd runs, create then starts that scope
// as a transient unit around it (src/systemd/units.ts) with the limits below
// as its properties. "a-b.slice" nests as in systemd: a.slice/a-b.slice. The
// checker (src/spec/linux.ts) made sure of the form. Pure: translation names
// the cgroup with it, the systemd driver (src/cgroups/driver.ts) starts the unit.
import { listNumbers } from "../spec/lists.ts";
import type { CgroupLayout } from "./layout.ts";
import type { CgroupSetting } from "./settings.ts";

function expandSlice(slice: string): string {
  if (slice === "-.slice") return "";
  const parts = slice.slice(0, -".slice".length).split("-");
  return parts.map((_, i) => `${parts.slice(0, i + 1).join("-")}.slice`).join("/");
}

/** "slice:prefix:name" → an absolute cgroupfs path; an empty name is the container id. */
export function systemdCgroupPath(value: string, id: string): string {
  const [slice, prefix, name] = value.split(":") as [string, string, string];
  const unitName = name || id;
  if (unitName.endsWith(".slice")) return `/${expandSlice(unitName)}`;
  const unit = `${prefix ? `${prefix}-` : ""}${unitName}.scope`;
  return `/${[expandSlice(slice || "system.slice"), unit].filter(Boolean).join("/")}`;
}

/**
 * The transient scope a container runs in under systemd: "slice:prefix:name" →
 * its unit name and slice. A name ending in ".slice" is a cgroup path only
 * (the kubelet makes its pod slices itself): no unit.
 */
export function systemdScope(value: string, id: string): { unit: string; slice: string } | undefined {
  const [slice, prefix, name] = value.split(":") as [string, string, string];
  const unitName = name || id;
  if (unitName.endsWith(".slice")) return undefined;
  return { unit: `${prefix ? `${prefix}-` : ""}${unitName}.scope`, slice: slice || "system.slice" };
}

/** A unit property as StartTransientUnit takes it: name, then a D-Bus variant (signature and value). */
export type UnitProperty = [string, { sig: string; value: number | bigint | boolean | string | number[] }];

const INFINITY = 2n ** 64n - 1n;
const bytes = (v: string) => (v === "max" ? INFINITY : BigInt(v));

/** A CPU or memory node list ("0-3,7") as systemd's AllowedCPUs bitmask: bit n of byte n/8 for each n. */
function bitmask(list: string): number[] {
  const mask: number[] = [];
  for (const n of listNumbers(list)) {
    while (mask.length <= n >> 3) mask.push(0);
    mask[n >> 3]! |= 1 << (n & 7);
  }
  return mask;
}

/**
 * The container's limits as scope properties, from its cgroup v2 settings
 * (settings.ts: one place for the OCI → cgroup conversions), as runc's
 * systemd driver sets them: systemd writes the files of every controller it
 * enables for a unit, with its defaults for whatever the unit does not set.
 * Files systemd has no property for are not its to reset; v1 hosts get none.
 */
export function scopeProperties(settings: readonly CgroupSetting[], layout: CgroupLayout): UnitProperty[] {
  if (layout !== "v2") return [];
  const props = new Map<string, UnitProperty[1]>();
  const t = (name: string, value: bigint) => props.set(name, { sig: "t", value });
  for (const { file, value } of settings) {
    if (file === "memory.max") t("MemoryMax", bytes(value));
    else if (file === "memory.low") t("MemoryLow", bytes(value));
    else if (file === "memory.high") t("MemoryHigh", bytes(value));
    else if (file === "memory.swap.max") t("MemorySwapMax", bytes(value));
    else if (file === "pids.max") t("TasksMax", bytes(value));
    else if (file === "cpu.weight" && value !== "0") t("CPUWeight", BigInt(value));
    else if (file === "io.weight" && /^\d+$/.test(value)) t("IOWeight", BigInt(value));
    else if (file === "cpuset.cpus") props.set("AllowedCPUs", { sig: "ay", value: bitmask(value) });
    else if (file === "cpuset.mems") props.set("AllowedMemoryNodes", { sig: "ay", value: bitmask(value) });
    else if (file === "cpu.max") {
      const [quota, period] = value.split(" ") as [string, string];
      // systemd keeps a quota in whole percent of a CPU: round up to 10 ms a second, as runc does
      const perSec = quota === "max" ? INFINITY : (((BigInt(quota) * 1_000_000n) / BigInt(period) + 9_999n) / 10_000n) * 10_000n;
      t("CPUQuotaPerSecUSec", perSec);
      t("CPUQuotaPeriodUSec", BigInt(period));
    }
  }
  return [...props];
}
