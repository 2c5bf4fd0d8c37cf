// linux.namespaces → lxc.namespace.clone / keep / share.*
// Listed without a path: a new namespace. Listed with a path: join it.
// Not listed: keep the runtime's (OCI "inherit"), except the mount namespace.
import { configError } from "../errors.ts";
import type { NamespaceType, Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

const LXC_NAME: Record<NamespaceType, string> = {
  pid: "pid",
  network: "net",
  mount: "mnt",
  ipc: "ipc",
  uts: "uts",
  user: "user",
  cgroup: "cgroup",
  time: "time",
};

export function namespaceItems(spec: Spec): ConfigItem[] {
  const listed = spec.linux?.namespaces ?? [];
  const index = (t: NamespaceType) => listed.findIndex((n) => n.type === t);
  const mnt = index("mount");
  // liblxc sets up the rootfs with pivot_root in the container's mount namespace:
  // in the runtime's own it would change the root of every process on the host.
  // A namespace joined by path is taken over the same way (as runc does); host.ts
  // refuses a path that is the runtime's or pid 1's.
  if (mnt < 0)
    throw configError(
      "linux.namespaces",
      "a mount namespace is required: LXC pivots the container's root in it, which in the runtime's mount namespace would change the host's root",
    );
  const user = index("user");
  const mapped = !!spec.linux?.uidMappings?.length || !!spec.linux?.gidMappings?.length;
  if (user >= 0 && listed[user]!.path)
    throw configError(`linux.namespaces[${user}].path`, "joining an existing user namespace is not supported yet");
  if (user >= 0 && !(spec.linux?.uidMappings?.length && spec.linux?.gidMappings?.length))
    throw configError(`linux.namespaces[${user}]`, "a new user namespace needs linux.uidMappings and linux.gidMappings");
  if (user < 0 && mapped) throw configError("linux.uidMappings", "id mappings need a user namespace in linux.namespaces");
  if (spec.hostname !== undefined && index("uts") < 0)
    throw configError("hostname", "setting a hostname needs a uts namespace in linux.namespaces (new, or joined by path)");

  // lxc.namespace.clone lists exactly the new ones; what it leaves out is kept
  // (liblxc refuses lxc.namespace.keep next to lxc.namespace.clone).
  const items: ConfigItem[] = [];
  const clone: string[] = [];
  for (const t of ["user", "pid", "network", "mount", "ipc", "uts", "cgroup", "time"] as const) {
    const ns = listed.find((n) => n.type === t);
    if (ns?.path) items.push([`lxc.namespace.share.${LXC_NAME[t]}`, ns.path]);
    else if (ns) clone.push(LXC_NAME[t]);
  }
  items.push(["lxc.namespace.clone", clone.join(" ")]);
  // The user namespace's id maps, as liblxc writes them (u|g container host size).
  for (const [kind, maps] of [
    ["u", spec.linux?.uidMappings],
    ["g", spec.linux?.gidMappings],
  ] as const)
    for (const m of maps ?? []) items.push(["lxc.idmap", `${kind} ${m.containerID} ${m.hostID} ${m.size}`]);
  // A new network namespace gets only a loopback device, up, as in runc (a pod's containers
  // reach each other over it; liblxc sets "lo" up for an "empty" device with the "up" flag).
  const net = listed.find((n) => n.type === "network");
  items.push(["lxc.net.0.type", net && !net.path ? "empty" : "none"]);
  if (net && !net.path) items.push(["lxc.net.0.flags", "up"]);
  return items;
}
