// features.md: what lxcri implements. Only what works is listed; null (absent) where lxcri does
// not say. Given the host's libraries (src/host/libraries.ts, as `lxcri features` passes them), a
// feature this liblxc lacks the config items for is left out and their versions are reported.
import { KNOWN_CAPABILITIES } from "./lxc/capabilities.ts";
import { POTENTIALLY_UNSAFE_ANNOTATIONS } from "./spec/annotations.ts";
import { IDMAP_OPTIONS } from "./spec/idmap.ts";
import { RECURSIVE_OPTIONS } from "./spec/mounts.ts";
import { LIBLXC_ITEMS, type LiblxcFeature, type Libraries } from "./lxc/liblxc-items.ts";
import { accepted, MOUNT_FLAG_OPTIONS, NAMESPACES, PROPAGATION_OPTIONS } from "./spec/support.ts";
import { SECCOMP_FEATURES } from "./spec/seccomp.ts";
import { HOOK_TYPES, MPOL_FLAGS, MPOL_MODES } from "./spec/types.ts";
import { OCI_VERSION_MAX, OCI_VERSION_MIN } from "./spec/versions.ts";
import pkg from "../package.json" with { type: "json" };

const optional = (key: string, value: string | undefined) => (value === undefined ? {} : { [key]: value });

export function features(libs?: Libraries) {
  // a feature is listed unless the host's liblxc is known to lack an item it needs
  const has = (feature: LiblxcFeature) => !libs || LIBLXC_ITEMS[feature].every((key) => libs.itemSupported(key) !== false);
  return {
    ociVersionMin: OCI_VERSION_MIN,
    ociVersionMax: OCI_VERSION_MAX,
    hooks: [...HOOK_TYPES],
    // what is applied, as the parity tests check (src/spec/support.ts)
    mountOptions: ([...MOUNT_FLAG_OPTIONS, ...PROPAGATION_OPTIONS, ...RECURSIVE_OPTIONS, ...IDMAP_OPTIONS] as string[]).sort(),
    linux: {
      namespaces: NAMESPACES.filter((ns) => ns !== "time" || has("namespaces.time")),
      capabilities: KNOWN_CAPABILITIES,
      cgroup: {
        v1: has("cgroup.v1"),
        v2: has("cgroup.v2"),
        systemd: true,
        // rootless --systemd-cgroup: the scope under the user's own systemd, over their bus (cgroups/user-scope.ts)
        systemdUser: true,
        rdma: accepted("linux.resources.rdma"),
      },
      seccomp: { enabled: true, ...SECCOMP_FEATURES },
      // process.apparmorProfile is applied (refused on a host without AppArmor, as runc does)
      apparmor: { enabled: has("apparmor") },
      // process.selinuxLabel and linux.mountLabel are applied where SELinux is on (refused where
      // it is off: src/host/selinux.ts), as runc built with SELinux says enabled everywhere
      selinux: { enabled: accepted("process.selinuxLabel") && accepted("linux.mountLabel") },
      intelRdt: { enabled: accepted("linux.intelRdt") },
      // linux.memoryPolicy: set_mempolicy(2) in init before execve (ffi/native/confine.c)
      memoryPolicy: { modes: [...MPOL_MODES], flags: [...MPOL_FLAGS] },
      // id-mapped bind mounts (mounts[].uidMappings, "idmap", "ridmap"): src/lxc/idmap-mounts.ts
      mountExtensions: { idmap: { enabled: true } },
      netDevices: { enabled: true },
    },
    annotations: {
      "org.linuxcontainers.lxcri.version": pkg.version,
      // checkpoint/restore is there (runc and crun set this key; runtime-spec features.md has it as its example)
      "org.opencontainers.runc.checkpoint.enabled": "true",
      ...optional("io.github.seccomp.libseccomp.version", libs?.seccompVersion),
      ...optional("org.linuxcontainers.lxc.version", libs?.lxcVersion),
      // checkpoint and restore run the host's criu (runc's flags and image layout)
      "org.linuxcontainers.lxcri.checkpoint": "criu",
    } as Record<string, string>,
    potentiallyUnsafeConfigAnnotations: [...POTENTIALLY_UNSAFE_ANNOTATIONS],
  };
}
