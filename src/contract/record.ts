// The record lxcri keeps of one container in its runtime directory
// (src/contract/layout.ts): what create, start, kill and delete — separate
// processes — agree on about a container. The type alone, a leaf every layer
// may import; container/store.ts reads and writes it.

export interface ContainerRecord {
  id: string;
  bundle: string;
  rootfs: string;
  ociVersion: string;
  annotations: Record<string, string>;
  created: string;
  monitorPid?: number;
  monitorStart?: number;
  initPid?: number;
  initStart?: number;
  /**
   * The container's and the monitor's cgroup directories (absolute), exactly as translation
   * named them, recorded before liblxc makes them (none of them existed then): the only
   * cgroups cleanup touches. Nothing is ever looked up by name.
   */
  cgroups?: string[];
  /** The inode of each of `cgroups` once liblxc made them: cleanup acts on a path only while it is still that directory. */
  cgroupInodes?: Record<string, string>;
  /** Parents of a configured cgroupsPath that did not exist before create, removed at delete when empty. */
  cgroupParents?: string[];
  /** --systemd-cgroup where systemd runs: the transient scope create started around init, stopped at delete. Set once systemd ran its start job. */
  systemdUnit?: string;
  /** That start's invocation id (32 hex digits): a unit of that name in another invocation is not the container's. */
  systemdInvocation?: string;
  /** Mount points lxcri created in the rootfs, removed at delete when still empty. */
  rootfsMountpoints?: string[];
  /** When start let init go (ISO time): from then on the container is running, however its pid 1 looks. */
  started?: string;
  /** The inode of init's end of its channel (pidfd_getfd at create): start takes only that socket from init. */
  channelInode?: string;
  /** memory.checkBeforeUpdate as the last update that gave it set it (runc keeps it so); before that, config.json's. */
  memoryCheckBeforeUpdate?: boolean;
  /** Set when poststop hooks already ran (after a start that failed in a hook). */
  poststopDone?: boolean;
}
