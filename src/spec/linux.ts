// linux checked into Linux: namespaces and id mappings, devices, sysctl
// names, cgroupsPath syntax, time offsets, personality, memory policy, and
// what lxcri does not support yet (intelRdt). What
// needs the host — whether a joined namespace is the runtime's own, the
// cgroup layout — is translation's (src/lxc).
import { configError } from "../errors.ts";
import { accepted, REFUSED_FIELDS } from "./support.ts";
import { absolutePath, arrayOf, at, boolean, type Check, int64, integer, mapOf, object, oneOf, opt, req, string, uint32 } from "./check.ts";
import { MAX_NODES, numberList } from "./lists.ts";
import { containerPath } from "./mounts.ts";
import { selinuxContext } from "./process.ts";
import { resources } from "./resources.ts";
import { seccomp } from "./seccomp.ts";
import {
  type IdMapping,
  type Linux,
  MPOL_FLAGS,
  type NetDevice,
  MPOL_MODES,
  NAMESPACE_TYPES,
  PERSONALITY_DOMAINS,
  ROOTFS_PROPAGATIONS,
  type Spec,
  TIME_CLOCKS,
  type TimeOffset,
} from "./types.ts";

/** The device numbers of the devices every container gets (runtime-spec config-linux.md "Default Devices"), and /dev/ptmx and /dev/console. */
export const DEFAULT_DEVICE_NUMBERS: Record<string, ["c", number, number]> = {
  "/dev/null": ["c", 1, 3],
  "/dev/zero": ["c", 1, 5],
  "/dev/full": ["c", 1, 7],
  "/dev/random": ["c", 1, 8],
  "/dev/urandom": ["c", 1, 9],
  "/dev/tty": ["c", 5, 0],
  "/dev/ptmx": ["c", 5, 2],
  "/dev/console": ["c", 5, 1],
};

const idMapping = object({ containerID: req(uint32), hostID: req(uint32), size: req(uint32) });

/** The host id a container id maps to (the id itself without a user namespace), or undefined when unmapped. */
export function hostId(maps: IdMapping[] | undefined, id: number): number | undefined {
  if (!maps?.length) return id;
  const m = maps.find((m) => id >= m.containerID && id < m.containerID + m.size);
  return m && m.hostID + (id - m.containerID);
}

/** The namespace a sysctl belongs to (runc's list), or undefined for a host-wide one. */
export function sysctlNamespace(key: string): "ipc" | "network" | "uts" | undefined {
  const k = key.replace(/\//g, ".");
  if (/^kernel\.(msgmax|msgmnb|msgmni|sem|shmall|shmmax|shmmni|shm_rmid_forced)$/.test(k) || k.startsWith("fs.mqueue.")) return "ipc";
  if (k.startsWith("net.")) return "network";
  if (k === "kernel.hostname" || k === "kernel.domainname") return "uts";
  return undefined;
}

const device = object({
  type: req(oneOf(["c", "b", "u", "p"] as const)),
  path: req(absolutePath),
  major: opt(int64),
  minor: opt(int64),
  fileMode: opt(uint32),
  uid: opt(uint32),
  gid: opt(uint32),
});

const devices: Check<Linux["devices"]> = (v, p) =>
  arrayOf(device)(v, p).map((d, i) => {
    const path = `${p}[${i}]`;
    const std = DEFAULT_DEVICE_NUMBERS[d.path];
    if (std) {
      if (std[0] !== d.type || std[1] !== d.major || std[2] !== d.minor)
        throw configError(path, `${d.path} must be ${std[0]} ${std[1]}:${std[2]}, got ${d.type} ${d.major}:${d.minor}`);
      return d;
    }
    if (d.type !== "p" && (d.major === undefined || d.minor === undefined))
      throw configError(path, `a ${d.type} device needs major and minor`);
    if ((d.major ?? 0) < 0 || (d.minor ?? 0) < 0 || (d.major ?? 0) > 0xfff || (d.minor ?? 0) > 0xfffff)
      throw configError(path, `device number ${d.major}:${d.minor} is out of range`);
    return d;
  });

const sysctlMap: Check<Record<string, string>> = (v, p) => {
  const sysctl = mapOf(string)(v, p);
  for (const key of Object.keys(sysctl)) {
    const path = at(p, `[${JSON.stringify(key)}]`);
    if (!/^[a-z0-9_.\-/]+$/i.test(key)) throw configError(path, "invalid sysctl name");
    if (!sysctlNamespace(key)) throw configError(path, "is not a namespaced sysctl: it would change the host");
  }
  return sysctl;
};

const timeOffset: Check<TimeOffset> = object({
  secs: opt(integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, "an integer number of seconds")),
  nanosecs: opt(integer(0, 999_999_999, "nanoseconds in [0, 999999999]")),
});

// liblxc writes each offset to /proc/self/timens_offsets as whole seconds or as
// nanoseconds, never both, and the kernel takes the nanoseconds only in [0, 1e9):
// an offset is exact when it is whole seconds or a fraction of one second.
const timeOffsets: Check<Linux["timeOffsets"]> = (v, p) => {
  const offsets = mapOf(timeOffset)(v, p);
  for (const [clock, o] of Object.entries(offsets)) {
    const path = at(p, `[${JSON.stringify(clock)}]`);
    if (!(TIME_CLOCKS as readonly string[]).includes(clock))
      throw configError(path, `unknown clock (expected ${TIME_CLOCKS.join(" or ")})`);
    if ((o.secs ?? 0) !== 0 && (o.nanosecs ?? 0) !== 0)
      throw configError(path, "liblxc sets an offset in whole seconds or in nanoseconds below one second, not both");
  }
  return offsets;
};

/** The kernel's dev_valid_name: 1 to 15 bytes, not "." or "..", no "/", ":" or whitespace. */
export function validDeviceName(name: string): boolean {
  return new TextEncoder().encode(name).length <= 15 && name !== "" && name !== "." && name !== ".." && !/[/:\s]/.test(name);
}

// Each host device once (a map), each container name once, and not the container's loopback.
const netDevices: Check<Record<string, NetDevice>> = (v, p) => {
  const devices = mapOf(object({ name: opt(string) }))(v, p);
  const names = new Map<string, string>();
  for (const [host, dev] of Object.entries(devices)) {
    const path = at(p, `[${JSON.stringify(host)}]`);
    if (!validDeviceName(host)) throw configError(path, `invalid network device name ${JSON.stringify(host)}`);
    if (dev.name !== undefined && dev.name !== "" && !validDeviceName(dev.name))
      throw configError(at(path, "name"), `invalid network device name ${JSON.stringify(dev.name)}`);
    const inside = dev.name || host;
    if (inside === "lo") throw configError(path, `"lo" is the container's loopback device`);
    const other = names.get(inside);
    if (other !== undefined)
      throw configError(path, `${JSON.stringify(other)} has the name ${JSON.stringify(inside)} in the container too`);
    names.set(inside, host);
  }
  return devices;
};

const personality = object({ domain: req(oneOf(PERSONALITY_DOMAINS)), flags: opt(arrayOf(string)) });
const memoryPolicy = object({ mode: req(oneOf(MPOL_MODES)), nodes: opt(numberList(MAX_NODES)), flags: opt(arrayOf(oneOf(MPOL_FLAGS))) });

const shape = object({
  namespaces: opt(arrayOf(object({ type: req(oneOf(NAMESPACE_TYPES)), path: opt(absolutePath) }))),
  uidMappings: opt(arrayOf(idMapping)),
  gidMappings: opt(arrayOf(idMapping)),
  devices: opt(devices),
  cgroupsPath: opt(string),
  resources: opt(resources),
  sysctl: opt(sysctlMap),
  seccomp: opt(seccomp),
  rootfsPropagation: opt(oneOf(ROOTFS_PROPAGATIONS)),
  maskedPaths: opt(arrayOf(containerPath)),
  readonlyPaths: opt(arrayOf(containerPath)),
  mountLabel: opt(selinuxContext),
  intelRdt: opt(
    object({
      closID: opt(string),
      l3CacheSchema: opt(string),
      memBwSchema: opt(string),
      schemata: opt(arrayOf(string)),
      enableMonitoring: opt(boolean),
    }),
  ),
  personality: opt(personality),
  timeOffsets: opt(timeOffsets),
  memoryPolicy: opt(memoryPolicy),
  netDevices: opt(netDevices),
});

/** linux at "linux"; `systemdCgroup` says which form cgroupsPath has ("either": the one it has). */
export function linux(systemdCgroup: boolean | "either"): Check<Linux> {
  return (v, p) => {
    const l: Linux = shape(v, p);
    if (l.intelRdt && !accepted("linux.intelRdt")) throw configError(at(p, "intelRdt"), REFUSED_FIELDS["linux.intelRdt"]);
    if (l.cgroupsPath)
      cgroupsPath(l.cgroupsPath, systemdCgroup === "either" ? l.cgroupsPath.includes(":") : systemdCgroup, at(p, "cgroupsPath"));
    if (l.personality?.flags?.length) throw configError(at(p, "personality.flags"), "no personality flags are defined by the runtime spec");
    const m = l.memoryPolicy;
    if (m) {
      const nodes = m.nodes?.trim() ?? "";
      if ((m.mode === "MPOL_DEFAULT" || m.mode === "MPOL_LOCAL") && nodes)
        throw configError(at(p, "memoryPolicy.nodes"), `must be empty for ${m.mode}`);
      if (m.mode !== "MPOL_DEFAULT" && m.mode !== "MPOL_LOCAL" && m.mode !== "MPOL_PREFERRED" && !nodes)
        throw configError(at(p, "memoryPolicy.nodes"), `${m.mode} needs at least one node`);
    }
    return l;
  };
}

/**
 * What a config's namespaces must allow, across fields: LXC's mount namespace,
 * a user namespace with its id maps (and container root mapped), a uts namespace
 * for hostname and domainname, a time namespace of its own for time offsets, and
 * a namespace for each namespaced sysctl. Duplicates are refused.
 */
export function namespaceRules(spec: Spec): void {
  const linux = spec.linux;
  const listed = linux?.namespaces ?? [];
  const seen = new Set<string>();
  listed.forEach((ns, i) => {
    if (seen.has(ns.type)) throw configError(`linux.namespaces[${i}].type`, `duplicate namespace "${ns.type}"`);
    seen.add(ns.type);
  });
  const index = (t: string) => listed.findIndex((n) => n.type === t);
  // liblxc sets up the rootfs with pivot_root in the container's mount namespace:
  // in the runtime's own it would change the root of every process on the host.
  // A namespace joined by path is taken over the same way (as runc does);
  // src/host/namespaces.ts refuses a path that is the runtime's or pid 1's.
  if (index("mount") < 0)
    throw configError(
      "linux.namespaces",
      "a mount namespace is required: LXC pivots the container's root in it, which in the runtime's mount namespace would change the host's root",
    );
  const user = index("user");
  const mapped = !!linux?.uidMappings?.length || !!linux?.gidMappings?.length;
  // A user namespace joined by path has its maps already: create reads them from it
  // (src/host/userns.ts) and checks any the config gives against them, as runc does.
  const joined = user >= 0 && !!listed[user]!.path;
  if (joined && !!linux?.uidMappings?.length !== !!linux?.gidMappings?.length)
    throw configError("linux.uidMappings", "give both linux.uidMappings and linux.gidMappings of the joined user namespace, or neither");
  if (user >= 0 && !joined && !(linux?.uidMappings?.length && linux?.gidMappings?.length))
    throw configError(`linux.namespaces[${user}]`, "a new user namespace needs linux.uidMappings and linux.gidMappings");
  if (user < 0 && mapped) throw configError("linux.uidMappings", "id mappings need a user namespace in linux.namespaces");
  // init runs as the container's root, which a user namespace maps to another host uid.
  if ((!joined || mapped) && (hostId(linux?.uidMappings, 0) === undefined || hostId(linux?.gidMappings, 0) === undefined))
    throw configError("linux.uidMappings", "container uid and gid 0 must be mapped: the container's init runs as its root");
  if (spec.hostname !== undefined && index("uts") < 0)
    throw configError("hostname", "setting a hostname needs a uts namespace in linux.namespaces (new, or joined by path)");
  if (spec.domainname !== undefined) {
    if (index("uts") < 0)
      throw configError("domainname", "setting a domain name needs a uts namespace in linux.namespaces (new, or joined by path)");
    if (spec.domainname.length > 64) throw configError("domainname", "is longer than 64 bytes");
  }
  if (Object.keys(linux?.netDevices ?? {}).length && index("network") < 0)
    throw configError(
      "linux.netDevices",
      "moving network devices needs a network namespace of the container's own (new, or joined by path)",
    );
  if (linux?.timeOffsets) {
    const time = index("time");
    if (time < 0) throw configError("linux.timeOffsets", "needs a new time namespace in linux.namespaces");
    if (listed[time]!.path)
      throw configError("linux.timeOffsets", `cannot set offsets of the time namespace joined by linux.namespaces[${time}].path`);
  }
  // A namespace joined by path is the container's too (podman passes its network
  // namespace so); translation refuses one that is the runtime's own.
  for (const key of Object.keys(linux?.sysctl ?? {})) {
    const ns = sysctlNamespace(key)!;
    if (index(ns) < 0)
      throw configError(
        `linux.sysctl[${JSON.stringify(key)}]`,
        `needs a ${ns} namespace of the container's own (new, or joined by path), or it would change the host's`,
      );
  }
}

/**
 * cgroupsPath: a path (absolute: below the cgroup root; relative: below
 * lxcri/), or with --systemd-cgroup "slice:prefix:name" (runc's systemd form).
 */
function cgroupsPath(value: string, systemd: boolean, p: string): void {
  if (!systemd) {
    if (value.includes("..") || value.includes("\0") || value.includes(":"))
      throw configError(p, `invalid cgroup path ${JSON.stringify(value)} (a systemd "slice:prefix:name" path needs --systemd-cgroup)`);
    if (value.startsWith("/") && !value.replace(/^\/+/, "").replace(/\/+$/, "")) throw configError(p, "must not be the cgroup root");
    return;
  }
  const parts = value.split(":");
  if (value.includes("..")) throw configError(p, `must not contain "..", got ${JSON.stringify(value)}`);
  if (parts.length !== 3) throw configError(p, `with --systemd-cgroup it must be "slice:prefix:name", got ${JSON.stringify(value)}`);
  const [slice, prefix, name] = parts as [string, string, string];
  // An empty name is the container id (checked by itself: letters, digits and _ . + -).
  if (name.endsWith(".slice")) return systemdSlice(name, p);
  if ((name && !/^[\w.@-]+$/.test(name)) || (prefix && !/^[\w.@-]+$/.test(prefix)))
    throw configError(p, `invalid systemd unit name in ${JSON.stringify(value)}`);
  systemdSlice(slice || "system.slice", p);
}

function systemdSlice(slice: string, p: string): void {
  const base = slice.slice(0, -".slice".length);
  if (!/^[\w.@-]+\.slice$/.test(slice) || (slice !== "-.slice" && (base.startsWith("-") || base.endsWith("-") || base.includes("--"))))
    throw configError(p, `invalid systemd slice ${JSON.stringify(slice)}`);
}
