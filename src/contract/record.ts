// The record lxcri keeps of one container in its runtime directory
// (src/contract/layout.ts): what create, start, kill and delete — separate
// processes — agree on about a container. The type alone, a leaf every layer
// may import; container/store.ts reads and writes it.
import type { ContainerCgroups } from "../cgroups/record.ts";

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
  /** Its cgroups, exactly as create planned and made them (src/cgroups/record.ts): the only ones any operation or cleanup touches. */
  cgroups?: ContainerCgroups;
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
