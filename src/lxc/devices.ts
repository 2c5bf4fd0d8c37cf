// linux.devices and linux.resources.devices. The default devices (null zero
// full random urandom tty) are bound from the host into the /dev tmpfs
// (mounts.ts), /dev/ptmx comes from devpts; any other device node is made by
// init (ffi/native/init.c), which holds every capability until its exec step. Device
// cgroup rules keep the user's order, then the defaults follow (runtime-tools
// checks the order), as v1 or v2 keys.
import type { DeviceNode } from "../contract/plan.ts";
import { DEFAULT_DEVICE_NUMBERS } from "../spec/linux.ts";
import type { Device, Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

export type CgroupLayout = "v1" | "v2";

/** Devices every container may use (as runc allows them). */
export const DEFAULT_DEVICE_RULES = [
  "c *:* m",
  "b *:* m",
  "c 1:3 rwm",
  "c 1:5 rwm",
  "c 1:7 rwm",
  "c 1:8 rwm",
  "c 1:9 rwm",
  "c 5:0 rwm",
  "c 5:1 rwm",
  "c 5:2 rwm",
  "c 136:* rwm",
];

const S_IFMT: Record<Device["type"], number> = { c: 0o020000, u: 0o020000, b: 0o060000, p: 0o010000 };

/** linux.devices other than the default ones, which are there already (the checker made sure those are what they must be). */
export function deviceNodes(spec: Spec, resolve: (p: string) => string): DeviceNode[] {
  return (spec.linux?.devices ?? [])
    .filter((d) => !DEFAULT_DEVICE_NUMBERS[d.path])
    .map((d) => ({
      path: resolve(d.path),
      mode: S_IFMT[d.type] | ((d.fileMode ?? 0o666) & 0o7777),
      major: d.major ?? 0,
      minor: d.minor ?? 0,
      uid: d.uid ?? 0,
      gid: d.gid ?? 0,
    }));
}

export function deviceItems(spec: Spec, cgroup: CgroupLayout): ConfigItem[] {
  const key = cgroup === "v2" ? "lxc.cgroup2.devices" : "lxc.cgroup.devices";
  const items: ConfigItem[] = [];
  const rules = spec.linux?.resources?.devices;
  if (!rules) return items;
  for (const r of rules) {
    const access = r.access ?? "rwm";
    const type = r.type ?? "a";
    const num = (n: number | undefined) => (n === undefined || n < 0 ? "*" : String(n));
    const rule = type === "a" && r.major === undefined && r.minor === undefined ? "a" : `${type} ${num(r.major)}:${num(r.minor)} ${access}`;
    items.push([`${key}.${r.allow ? "allow" : "deny"}`, rule]);
  }
  for (const rule of DEFAULT_DEVICE_RULES) items.push([`${key}.allow`, rule]);
  return items;
}
