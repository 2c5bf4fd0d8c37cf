// features.md: what lxcri implements, independent of the host. Only what
// works is listed; null (absent) where lxcri does not say.
import { KNOWN_CAPABILITIES } from "./lxc/capabilities.ts";
import { RECURSIVE_OPTIONS } from "./spec/mounts.ts";
import { SECCOMP_FEATURES } from "./spec/seccomp.ts";
import { HOOK_TYPES } from "./spec/types.ts";
import { OCI_VERSION_MAX, OCI_VERSION_MIN } from "./spec/versions.ts";
import pkg from "../package.json" with { type: "json" };

export function features() {
  return {
    ociVersionMin: OCI_VERSION_MIN,
    ociVersionMax: OCI_VERSION_MAX,
    hooks: [...HOOK_TYPES],
    mountOptions: [
      "async",
      "atime",
      "bind",
      "defaults",
      "dev",
      "diratime",
      "dirsync",
      "exec",
      "iversion",
      "lazytime",
      "loud",
      "mand",
      "noatime",
      "nodev",
      "nodiratime",
      "noexec",
      "noiversion",
      "nolazytime",
      "nomand",
      "norelatime",
      "nostrictatime",
      "nosuid",
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
      "silent",
      "slave",
      "strictatime",
      "suid",
      "sync",
      "unbindable",
      ...RECURSIVE_OPTIONS,
    ].sort(),
    linux: {
      namespaces: ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
      capabilities: KNOWN_CAPABILITIES,
      cgroup: { v1: true, v2: true, systemd: true, systemdUser: false, rdma: false },
      seccomp: { enabled: true, ...SECCOMP_FEATURES },
      // process.apparmorProfile is applied (refused on a host without AppArmor, as runc does)
      apparmor: { enabled: true },
      selinux: { enabled: false },
      intelRdt: { enabled: false },
      mountExtensions: { idmap: { enabled: false } },
    },
    annotations: {
      "org.linuxcontainers.lxcri.version": pkg.version,
      // checkpoint and restore run the host's criu (runc's flags and image layout)
      "org.linuxcontainers.lxcri.checkpoint": "criu",
    },
  };
}
