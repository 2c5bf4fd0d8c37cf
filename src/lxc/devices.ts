// linux.devices and linux.resources.devices. liblxc's autodev creates the
// default devices (null zero full random urandom tty, ptmx via devpts); other
// device nodes are issue 4. Device cgroup rules keep the user's order, then
// the defaults follow (runtime-tools checks the order), as v1 or v2 keys.
import { configError } from "../errors.ts";
import type { Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

export type CgroupLayout = "v1" | "v2";

const AUTODEV: Record<string, [string, number, number]> = {
  "/dev/null": ["c", 1, 3], "/dev/zero": ["c", 1, 5], "/dev/full": ["c", 1, 7], "/dev/random": ["c", 1, 8],
  "/dev/urandom": ["c", 1, 9], "/dev/tty": ["c", 5, 0], "/dev/ptmx": ["c", 5, 2], "/dev/console": ["c", 5, 1],
};

/** Devices every container may use (as runc allows them). */
export const DEFAULT_DEVICE_RULES = [
  "c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
  "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
];

export function deviceItems(spec: Spec, cgroup: CgroupLayout): ConfigItem[] {
  (spec.linux?.devices ?? []).forEach((d, i) => {
    const std = AUTODEV[d.path];
    if (!std || std[0] !== d.type || std[1] !== d.major || std[2] !== d.minor)
      throw configError(`linux.devices[${i}]`, `device ${d.path} (${d.type} ${d.major}:${d.minor}) is not supported yet: only the default devices are`);
  });
  const key = cgroup === "v2" ? "lxc.cgroup2.devices" : "lxc.cgroup.devices";
  const items: ConfigItem[] = [];
  const rules = spec.linux?.resources?.devices;
  if (!rules) return items;
  rules.forEach((r, i) => {
    const access = r.access ?? "rwm";
    if (!/^[rwm]{1,3}$/.test(access)) throw configError(`linux.resources.devices[${i}].access`, `invalid access ${JSON.stringify(access)}`);
    const type = r.type ?? "a";
    const num = (n: number | undefined) => (n === undefined || n < 0 ? "*" : String(n));
    const rule = type === "a" && r.major === undefined && r.minor === undefined ? "a" : `${type} ${num(r.major)}:${num(r.minor)} ${access}`;
    items.push([`${key}.${r.allow ? "allow" : "deny"}`, rule]);
  });
  for (const rule of DEFAULT_DEVICE_RULES) items.push([`${key}.allow`, rule]);
  return items;
}
