// features.md: what lxcri implements, independent of the host. Only what
// works is listed; null (absent) where lxcri does not say.
import { KNOWN_CAPABILITIES } from "./lxc/capabilities.ts";
import { POTENTIALLY_UNSAFE_ANNOTATIONS } from "./spec/annotations.ts";
import { IDMAP_OPTIONS } from "./spec/idmap.ts";
import { RECURSIVE_OPTIONS } from "./spec/mounts.ts";
import { SECCOMP_FEATURES } from "./spec/seccomp.ts";
import { HOOK_TYPES, MPOL_FLAGS, MPOL_MODES } from "./spec/types.ts";
import { OCI_VERSION_MAX, OCI_VERSION_MIN } from "./spec/versions.ts";
import pkg from "../package.json" with { type: "json" };

export function features() {
  return {
    ociVersionMin: OCI_VERSION_MIN,
    ociVersionMax: OCI_VERSION_MAX,
    hooks: [...HOOK_TYPES],
    // what is applied (mount(2) flags through liblxc; propagation, recursive options and
    // nosymfollow by init or the start-host hook; tmpcopyup by init), as the parity test checks
    mountOptions: [
      "async",
      "atime",
      "bind",
      "defaults",
      "dev",
      "diratime",
      "dirsync",
      "exec",
      "lazytime",
      "mand",
      "noatime",
      "nodev",
      "nodiratime",
      "noexec",
      "nomand",
      "norelatime",
      "nostrictatime",
      "nosuid",
      "nosymfollow",
      "private",
      "rbind",
      "relatime",
      "remount",
      "ro",
      "rprivate",
      "rshared",
      "rslave",
      "runbindable",
      "rw",
      "shared",
      "slave",
      "strictatime",
      "suid",
      "symfollow",
      "sync",
      "tmpcopyup",
      "unbindable",
      ...RECURSIVE_OPTIONS,
      ...IDMAP_OPTIONS,
    ].sort(),
    linux: {
      namespaces: ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
      capabilities: KNOWN_CAPABILITIES,
      cgroup: { v1: true, v2: true, systemd: true, systemdUser: false, rdma: false },
      seccomp: { enabled: true, ...SECCOMP_FEATURES },
      // process.apparmorProfile is applied (refused on a host without AppArmor, as runc does)
      apparmor: { enabled: true },
      // process.selinuxLabel and linux.mountLabel are applied where SELinux is on (refused where
      // it is off: src/host/selinux.ts), as runc built with SELinux says enabled everywhere
      selinux: { enabled: true },
      intelRdt: { enabled: false },
      // linux.memoryPolicy: set_mempolicy(2) in init before execve (ffi/native/confine.c)
      memoryPolicy: { modes: [...MPOL_MODES], flags: [...MPOL_FLAGS] },
      // id-mapped bind mounts (mounts[].uidMappings, "idmap", "ridmap"): src/lxc/idmap-mounts.ts
      mountExtensions: { idmap: { enabled: true } },
      netDevices: { enabled: true },
    },
    annotations: {
      "org.linuxcontainers.lxcri.version": pkg.version,
      // checkpoint and restore run the host's criu (runc's flags and image layout)
      "org.linuxcontainers.lxcri.checkpoint": "criu",
    },
    potentiallyUnsafeConfigAnnotations: [...POTENTIALLY_UNSAFE_ANNOTATIONS],
  };
}
