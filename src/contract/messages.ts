// What `create`/`start` and the launcher tell each other. The launcher reads
// only its init/ directory and the hooks layout, never config.json.
import type { HookRecord } from "../hooks/run.ts";
import type { CapabilityNumbers } from "../lxc/capabilities.ts";
import type { DeviceNode } from "../lxc/devices.ts";
import type { RecursiveAttr } from "../lxc/mount-attrs.ts";
import type { ProcessAttrs } from "../lxc/process-attrs.ts";
import type { SeccompPlan } from "../lxc/seccomp.ts";

/**
 * init/process.json: what the launcher execs at `start`, and the security
 * context it applies right before, in runc's order: rlimits, umask, seccomp
 * (early when no_new_privs is off: loading needs CAP_SYS_ADMIN), capability
 * bounding set, groups/gid/uid keeping capabilities, capset, ambient, seccomp
 * (late when no_new_privs is on), execve.
 */
export interface InitProcess {
  args: string[];
  env: string[];
  cwd: string;
  umask?: number;
  user: { uid: number; gid: number; additionalGids: number[] };
  rlimits: { resource: number; soft: number; hard: number }[];
  capabilities: CapabilityNumbers;
  noNewPrivileges: boolean;
  seccomp?: SeccompPlan;
  /** personality, I/O priority, scheduler, memory policy: set first in the exec step. */
  attrs: ProcessAttrs;
  /** Mounts made for the launcher alone (a /proc the spec does not have), detached before the exec. */
  detach: string[];
  /** Device nodes to create before the container is reported created. */
  devices: DeviceNode[];
  /** The hostname when the uts namespace is joined by path (liblxc sets it only in a new one). */
  hostname?: string;
  /** The container's NIS domain name (liblxc has no key for it); the launcher sets it. */
  domainname?: string;
  /** FIFOs and sockets to mask (/dev/null bound over them) or to make read-only. */
  mask: string[];
  readonly: string[];
  /** process.terminal: the launcher opens a pty, takes the slave as its stdio and parks the master for create. */
  terminal: boolean;
  /** Recursive mount options ("rro", ...) to apply with mount_setattr(2). */
  recursive: RecursiveAttr[];
  /** linux.rootfsPropagation as mount(2) flags, for "/" once liblxc has made it rshared. */
  rootPropagation?: number;
  /** Seconds, for startContainer hooks without their own timeout. */
  hookTimeout: number;
}

/** Launcher (init) → start, one JSON object per line over init/sync. EOF after "exec" (and no error) means exec'd. */
export type InitMessage = { hook: HookRecord } | { error: string; hookFailed?: boolean } | { exec: true };

/** Mount hook ↔ create over hook.sock, one JSON object per line. */
export type MountHookHello = { pid: number };
export type MountHookReply = { ok: true } | { ok: false; error: string };
export type MountHookResult = { error: string } | { done: true };
/** The mount hook's createContainer runs, for create to append to hooks.log (the mapped root of a user namespace cannot). */
export type MountHookTrace = { hook: HookRecord };

/** Where the launcher keeps the pty master until create has taken a copy (pidfd_getfd) and the exec closes it. */
export const TERMINAL_MASTER_FD = 1000;
/** Where the launcher parks an eventfd once it is ready for start: create then ends liblxc's monitor. */
export const READY_FD = 1001;

/** The runtime's PATH, for the mount hook to restore when the monitor runs with another one. */
export const HOOK_PATH_VAR = "LXCRI_HOOK_PATH";
