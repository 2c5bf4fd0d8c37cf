// linux.namespaces → lxc.namespace.clone / keep / share.*
// Listed without a path: a new namespace. Listed with a path: join it.
// Not listed: keep the runtime's (OCI "inherit"), except the mount namespace.
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

/** `joinedByMonitor`: namespaces joined by path that the monitor joins before liblxc starts, which then keeps them (src/host/namespaces.ts joinedBeforeUser). */
export function namespaceItems(spec: Spec, joinedByMonitor: readonly string[] = []): ConfigItem[] {
  // The checker made sure of a mount namespace (liblxc pivots the container's root in
  // it) and of a user namespace's id maps (src/spec/linux.ts namespaceRules).
  const listed = spec.linux?.namespaces ?? [];
  // lxc.namespace.clone lists exactly the new ones; what it leaves out is kept
  // (liblxc refuses lxc.namespace.keep next to lxc.namespace.clone).
  const items: ConfigItem[] = [];
  const clone: string[] = [];
  for (const t of ["user", "pid", "network", "mount", "ipc", "uts", "cgroup", "time"] as const) {
    const ns = listed.find((n) => n.type === t);
    if (ns?.path && joinedByMonitor.includes(t)) continue;
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
