// process.capabilities → lxc.cap.keep. liblxc sets only the bounding set; for
// root, execve() then makes permitted = effective = bounding, which is the
// shape runc and podman write. Other shapes need the launcher (issue 4) and
// are refused rather than silently changed.
import { configError } from "../errors.ts";
import type { Process } from "../spec/types.ts";
import type { ConfigItem } from "./items.ts";

/** Capability names Linux knows, in bit order (CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40). */
export const KNOWN_CAPABILITIES = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
  "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
];

export function capabilityItems(proc: Process, warn: (msg: string) => void): ConfigItem[] {
  const caps = proc.capabilities;
  if (!caps) return [["lxc.cap.keep", "none"]];
  const known = (set: keyof typeof caps) =>
    (caps[set] ?? []).filter((c, i) => {
      if (KNOWN_CAPABILITIES.includes(c)) return true;
      warn(`process.capabilities.${set}[${i}]: unknown capability ${c} ignored`);
      return false;
    });
  const bounding = [...new Set(known("bounding"))];
  const same = (set: "effective" | "permitted") => {
    const s = new Set(known(set));
    return s.size === bounding.length && bounding.every((c) => s.has(c));
  };
  if (proc.user.uid === 0) {
    for (const set of ["effective", "permitted"] as const)
      if (caps[set] && !same(set))
        throw configError(
          `process.capabilities.${set}`,
          "for uid 0 lxcri supports only effective = permitted = bounding (other sets: not supported yet)",
        );
  } else {
    for (const set of ["effective", "permitted", "ambient", "inheritable"] as const)
      if (known(set).length)
        throw configError(`process.capabilities.${set}`, "capabilities for a non-root process.user are not supported yet");
  }
  for (const set of ["inheritable", "ambient"] as const)
    known(set).forEach((c) => {
      if (!bounding.includes(c)) throw configError(`process.capabilities.${set}`, `${c} is not in the bounding set, so it cannot be granted`);
    });
  const keep = bounding.map((c) => c.slice(4).toLowerCase()).join(" ");
  return [["lxc.cap.keep", keep || "none"]];
}

/** The inheritable and ambient sets as capability numbers, for the launcher to raise before exec. */
export function launcherCapabilities(proc: Process): { inheritable: number[]; ambient: number[] } {
  const nums = (set: "inheritable" | "ambient") =>
    [...new Set(proc.capabilities?.[set] ?? [])].map((c) => KNOWN_CAPABILITIES.indexOf(c)).filter((n) => n >= 0);
  return { inheritable: nums("inheritable"), ambient: nums("ambient") };
}
