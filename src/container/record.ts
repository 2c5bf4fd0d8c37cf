// The record lxcri keeps of one container in its runtime directory
// (src/contract/layout.ts), written atomically, and the runtime directory's
// own check: it must be root's and private before anything in it is trusted.
import { lstat, readText, writeAtomic } from "../host/fs.ts";
import { runtimeFiles } from "../contract/layout.ts";
import { LxcriError } from "../errors.ts";
import type { Spec } from "../spec/types.ts";
import { parseRecord, runtimeDirError } from "./rules.ts";

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

/** The runtime directory's files (src/contract/layout.ts). */
export const files = runtimeFiles;

/** config.json as create read it, the bytes it checked and ran (runtime.md: later changes to the bundle do not count). */
export function readStoredSpec(dir: string): Spec {
  return JSON.parse(readText(files(dir).config)) as Spec;
}

export function writeRecord(dir: string, r: ContainerRecord): void {
  writeAtomic(files(dir).record, JSON.stringify(r));
}

export function readRecord(dir: string, id: string): ContainerRecord {
  checkRuntimeDir(dir);
  let text: string;
  try {
    text = readText(files(dir).record);
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") throw new LxcriError("not-found", `container ${id} does not exist`);
    throw e;
  }
  return parseRecord(text, id, files(dir).record);
}

/**
 * The runtime directory must be a directory of root's that no one else can
 * enter or change: what is in it (the record, hooks, config.json) is trusted
 * as root. liblxc chowns its container directory to a user namespace's root
 * when it saves a config; lxcri never lets it, and refuses a directory that
 * is not as it made it.
 */
export function checkRuntimeDir(dir: string): void {
  let st;
  try {
    st = lstat(dir);
  } catch {
    return; // gone: the caller reports "does not exist"
  }
  const problem = runtimeDirError(dir, st);
  if (problem) throw problem;
}
