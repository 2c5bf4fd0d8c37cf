// linux.devices and linux.resources.devices. The default devices (null zero
// full random urandom tty) are made by init in the /dev tmpfs, or bound from
// the host in a user namespace (mounts.ts bindsHostDevices), /dev/ptmx comes
// from devpts; every device node is made by init (ffi/native/init.c), which holds every capability until its exec step. Device
// cgroup rules start from "deny all" (runc's devices emulator does), keep the user's order, then
// the defaults follow (runtime-tools checks the order), as v1 or v2 keys.
import type { DeviceNode } from "../contract/plan.ts";
import { DEFAULT_DEVICE_NUMBERS } from "../spec/linux.ts";
import type { Device, Spec } from "../spec/types.ts";
import { unsupportedOnHost } from "../errors.ts";
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
  const rules = spec.linux?.resources?.devices ?? [];
  // as runc: from "deny all", whatever the config lists first (or without any rule): a cgroup
  // starts with its parent's rules, which on most hosts allow every device
  const all: DeviceRule[] = [];
  rules.forEach((r, i) => {
    const access = r.access ?? "rwm";
    const type = r.type ?? "a";
    const num = (n: number | undefined) => (n === undefined || n < 0 ? "*" : String(n));
    const rule = type === "a" && r.major === undefined && r.minor === undefined ? "a" : `${type} ${num(r.major)}:${num(r.minor)} ${access}`;
    all.push({ allow: !!r.allow, rule, index: i });
  });
  if (all[0]?.rule !== "a") all.unshift({ allow: false, rule: "a" });
  for (const rule of DEFAULT_DEVICE_RULES) all.push({ allow: true, rule });
  checkNoHole(all);
  for (const r of all) items.push([`${key}.${r.allow ? "allow" : "deny"}`, r.rule]);
  return items;
}

/** A rule as liblxc writes it ("a", or "<type> <major>:<minor> <access>"), and where in the config it is. */
interface DeviceRule {
  allow: boolean;
  rule: string;
  /** In linux.resources.devices; none for the defaults. */
  index?: number;
}

/**
 * The v1 devices cgroup keeps a default (allow or deny all) and exceptions; a rule against the
 * default removes an exception only where one has exactly its numbers, and silently does
 * nothing where a wildcard exception covers it: "allow c *:* rwm" then "deny c 1:5 rwm" left
 * /dev/zero open. runc refuses such a config ("cannot punch hole in existing wildcard rule"),
 * on cgroup v2 too, where its BPF program is built through the same emulator; so does lxcri,
 * naming the rules.
 */
function checkNoHole(rules: readonly DeviceRule[]): void {
  let defaultAllow = false;
  // "<type> <major> <minor>" → access letters, and the rule that made it
  let exceptions = new Map<string, { access: Set<string>; index?: number }>();
  const at = (i: number | undefined) => (i === undefined ? "the default device rules" : `linux.resources.devices[${i}]`);
  for (const r of rules) {
    const [type, numbers, access = "rwm"] = r.rule.split(" ") as [string, string?, string?];
    if (type === "a") {
      defaultAllow = r.allow;
      exceptions = new Map();
      continue;
    }
    const [major, minor] = numbers!.split(":") as [string, string];
    const meta = `${type} ${major} ${minor}`;
    if (r.allow !== defaultAllow) {
      const e = exceptions.get(meta) ?? { access: new Set<string>(), index: r.index };
      for (const a of access) e.access.add(a);
      exceptions.set(meta, e);
      continue;
    }
    for (const wider of [`${type} * ${minor}`, `${type} ${major} *`, `${type} * *`]) {
      if (wider === meta) continue;
      const e = exceptions.get(wider);
      if (e && [...access].some((a) => e.access.has(a)))
        throw unsupportedOnHost(
          at(r.index ?? e.index),
          `"${r.rule}" (${r.allow ? "allow" : "deny"}) cannot be applied after "${wider.replace(/ (\S+) (\S+)$/, " $1:$2")} ${[...e.access].join("")}" (${at(e.index)}) (a hole in a wildcard rule: cgroup v1 ignores it; runc refuses it on v1 and v2)`,
        );
    }
    const e = exceptions.get(meta);
    if (e) for (const a of access) e.access.delete(a);
    if (e && !e.access.size) exceptions.delete(meta);
  }
}
