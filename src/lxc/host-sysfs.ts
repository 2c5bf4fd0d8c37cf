// A sysfs the container cannot mount: the kernel lets a user namespace's root mount sysfs only
// when its user namespace owns the network namespace, which is not so when the network
// namespace is joined by path and was made elsewhere (containerd 2.x makes a pod's in a user
// namespace of its own; podman's rootful networks are the host's). As runc does then, the
// host's /sys is bound instead, recursively, read-only throughout when the mount asked for "ro".
import type { Mount, Spec } from "../spec/types.ts";

const SYSFS_DATA = new Set(["rw", "ro"]);

/** `spec` with each sysfs mount made a recursive bind of the host's /sys. */
export function withHostSysfs(spec: Spec): Spec {
  const mounts = spec.mounts?.map((m): Mount => {
    if (m.type !== "sysfs") return m;
    const options = (m.options ?? []).filter((o) => !SYSFS_DATA.has(o));
    const ro = m.options?.includes("ro");
    return { destination: m.destination, type: "bind", source: "/sys", options: ["rbind", ...options, ...(ro ? ["ro", "rro"] : [])] };
  });
  return { ...spec, mounts };
}
