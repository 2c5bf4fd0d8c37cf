// process.capabilities → the five sets as capability numbers. The native
// helper applies them right before exec (bounding drop, user switch with kept caps,
// capset, ambient raise), so every set is exactly as configured. Unknown
// capabilities are a warning, not an error (runtime-spec 1.1+).
import type { CapabilityNumbers } from "../contract/plan.ts";
import type { Process } from "../spec/types.ts";
import { CAPABILITY_SETS } from "../spec/types.ts";

/** Capability names Linux knows, in bit order (CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40). */
export const KNOWN_CAPABILITIES = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
];

/**
 * The five sets as numbers. An unknown name is a warning; an ambient
 * capability that is not both permitted and inheritable is dropped with a
 * note at debug level (runc's default config asks for such, silently).
 */
export function processCapabilities(proc: Process, warn: (msg: string) => void, note: (msg: string) => void = () => {}): CapabilityNumbers {
  const out = {} as CapabilityNumbers;
  for (const set of CAPABILITY_SETS) {
    const nums = new Set<number>();
    (proc.capabilities?.[set] ?? []).forEach((c, i) => {
      const n = KNOWN_CAPABILITIES.indexOf(c);
      if (n < 0) warn(`process.capabilities.${set}[${i}]: unknown capability ${c} ignored`);
      else nums.add(n);
    });
    out[set] = [...nums].sort((a, b) => a - b);
  }
  // The kernel raises an ambient capability only if it is permitted and inheritable.
  const grantable = (c: number) => out.permitted.includes(c) && out.inheritable.includes(c);
  for (const c of out.ambient.filter((c) => !grantable(c)))
    note(`process.capabilities.ambient: ${KNOWN_CAPABILITIES[c]} is not both permitted and inheritable, so it cannot be ambient; ignored`);
  out.ambient = out.ambient.filter(grantable);
  return out;
}
