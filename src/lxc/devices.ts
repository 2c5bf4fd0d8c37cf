// linux.devices and linux.resources.devices. The default devices (null zero
// full random urandom tty) are made by init in the /dev tmpfs, or bound from
// the host in a user namespace (mounts.ts bindsHostDevices), /dev/ptmx comes
// from devpts; every device node is made by init (ffi/native/init.c), which holds every capability until its exec step. Device
// cgroup rules keep the user's order, then the defaults follow (runtime-tools
// checks the order), as v1 or v2 keys.
import type { DeviceNode } from "../contract/plan.ts";
import { DEFAULT_DEVICE_NUMBERS } from "../spec/linux.ts";
import type { Device, Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";
import { bindsHostDevices, DEFAULT_DEVICES } from "./mounts.ts";

export type { CgroupLayout } from "../cgroups/layout.ts";
import type { CgroupLayout } from "../cgroups/layout.ts";

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

/**
 * The device nodes init makes: linux.devices, and — on a /dev tmpfs without a user namespace —
 * the default devices too, as runc makes them (a node of the container's own, never the host's
 * inode: mounts.ts bindsHostDevices). A default device the config lists keeps its mode and owner
 * (the checker made sure of its numbers); in a user namespace the defaults are bound instead.
 */
export function deviceNodes(spec: Spec, resolve: (p: string) => string, rootless = false): DeviceNode[] {
  const listed = spec.linux?.devices ?? [];
  const devTmpfs = spec.mounts?.some((m) => m.destination.replace(/\/+$/, "") === "/dev" && m.type === "tmpfs") ?? false;
  const made = devTmpfs && !bindsHostDevices(spec, rootless);
  const defaults: Device[] = made
    ? DEFAULT_DEVICES.map((name) => {
        const path = `/dev/${name}`;
        const [type, major, minor] = DEFAULT_DEVICE_NUMBERS[path]!;
        return listed.find((d) => d.path === path) ?? { path, type, major, minor, fileMode: 0o666, uid: 0, gid: 0 };
      })
    : [];
  return [...defaults, ...listed.filter((d) => !DEFAULT_DEVICE_NUMBERS[d.path])].map((d) => ({
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
