// linux.namespaces → lxc.namespace.clone / keep / share.*
// Listed without a path: a new namespace. Listed with a path: join it.
// Not listed: keep the runtime's (OCI "inherit").
import { configError } from "../errors.ts";
import type { NamespaceType, Spec } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

const LXC_NAME: Record<NamespaceType, string> = {
  pid: "pid", network: "net", mount: "mnt", ipc: "ipc", uts: "uts", user: "user", cgroup: "cgroup", time: "time",
};

export function namespaceItems(spec: Spec): ConfigItem[] {
  const listed = spec.linux?.namespaces ?? [];
  const index = (t: NamespaceType) => listed.findIndex((n) => n.type === t);
  const mnt = index("mount");
  if (mnt < 0) throw configError("linux.namespaces", "a mount namespace is required (lxcri cannot run a container in the runtime's mount namespace)");
  if (listed[mnt]!.path) throw configError(`linux.namespaces[${mnt}].path`, "joining an existing mount namespace is not supported");
  for (const t of ["user", "time"] as const) {
    const i = index(t);
    if (i >= 0) throw configError(`linux.namespaces[${i}].type`, `${t} namespaces are not supported yet`);
  }
  if (spec.hostname !== undefined && index("uts") < 0)
    throw configError("hostname", "setting a hostname needs a new uts namespace in linux.namespaces");

  // lxc.namespace.clone lists exactly the new ones; what it leaves out is kept
  // (liblxc refuses lxc.namespace.keep next to lxc.namespace.clone).
  const items: ConfigItem[] = [];
  const clone: string[] = [];
  for (const t of ["pid", "network", "mount", "ipc", "uts", "cgroup"] as const) {
    const ns = listed.find((n) => n.type === t);
    if (ns?.path) items.push([`lxc.namespace.share.${LXC_NAME[t]}`, ns.path]);
    else if (ns) clone.push(LXC_NAME[t]);
  }
  items.push(["lxc.namespace.clone", clone.join(" ")]);
  // A new network namespace gets only a loopback device, as in runc.
  const net = listed.find((n) => n.type === "network");
  items.push(["lxc.net.0.type", net && !net.path ? "empty" : "none"]);
  return items;
}
