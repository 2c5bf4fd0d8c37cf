// `spec --rootless`: the default config made for a rootless container, as
// runc's specconv.ToRootless makes it — a user namespace (and no network
// namespace of its own), the current user mapped to root in it, /sys an rbind
// of the host's (a user namespace cannot mount sysfs without its own network
// namespace), no uid=/gid= mount options (ids the namespace has not mapped),
// and no cgroup settings (an unprivileged user may not own any).
import type { Spec } from "./types.ts";

export function toRootless(spec: Spec, uid: number, gid: number): Spec {
  const linux = spec.linux ?? {};
  const { resources: _dropped, ...rest } = linux;
  return {
    ...spec,
    mounts: (spec.mounts ?? []).map((m) =>
      m.destination.replace(/\/+$/, "") === "/sys"
        ? { destination: "/sys", type: "none", source: "/sys", options: ["rbind", "nosuid", "noexec", "nodev", "ro"] }
        : { ...m, ...(m.options && { options: m.options.filter((o) => !o.startsWith("uid=") && !o.startsWith("gid=")) }) },
    ),
    linux: {
      ...rest,
      namespaces: [...(linux.namespaces ?? []).filter((n) => n.type !== "network" && n.type !== "user"), { type: "user" }],
      uidMappings: [{ containerID: 0, hostID: uid, size: 1 }],
      gidMappings: [{ containerID: 0, hostID: gid, size: 1 }],
    },
  };
}
