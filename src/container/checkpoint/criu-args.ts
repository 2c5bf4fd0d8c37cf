// What `lxcri checkpoint` and `lxcri restore` ask CRIU for: runc's flags,
// checked, and the criu(8) command lines they become. Pure: the operations
// (dump.ts, restore.ts) gather the facts (init's pid, the mounts, the
// namespaces joined by path, the stdio of the checkpointed process) and run it.
//
// The image directory is runc's: CRIU's images plus descriptors.json (what
// the process's fds 0-2 were), so an image written by runc restores here and
// the other way round; the keys of external namespaces are runc's too.
import { LxcriError } from "../../errors.ts";

/** runc's --manage-cgroups-mode values, as CRIU names them. */
export const CGROUP_MODES = ["soft", "full", "strict", "ignore"] as const;

/** runc's key for a network (pid) namespace the container joined by path: CRIU leaves it out of the image and restore puts the process into the one passed under that key. */
export const EXTERNAL_NS_KEY = { network: "extRootNetNS", pid: "extRootPidNS" } as const;
export type ExternalNs = keyof typeof EXTERNAL_NS_KEY;

/** runc's file of the checkpointed process's fds 0-2 (readlink of /proc/<pid>/fd/N) in the image directory. */
export const DESCRIPTORS_FILE = "descriptors.json";
export const DUMP_LOG = "dump.log";
export const RESTORE_LOG = "restore.log";

/** Flags both commands take (runc's names in the comments). */
export interface CriuFlags {
  /** runc's global --criu: the criu to run (default: criu on PATH). */
  criu?: string;
  /** --image-path: CRIU's images (default: ./checkpoint, as runc). */
  imagePath?: string;
  /** --work-path: CRIU's log and work files (default: the image path). */
  workPath?: string;
  /** --tcp-established: established TCP connections. */
  tcpEstablished?: boolean;
  /** --ext-unix-sk: unix sockets connected outside the container. */
  extUnixSk?: boolean;
  /** --shell-job: a process run from a shell (its session and terminal are outside). */
  shellJob?: boolean;
  /** --file-locks. */
  fileLocks?: boolean;
  /** --manage-cgroups-mode. */
  manageCgroupsMode?: string;
  /** --empty-ns: namespaces CRIU makes but does not fill (runc: network only). */
  emptyNs?: string[];
  /** --auto-dedup: free the parent image's pages as they are used. */
  autoDedup?: boolean;
}

export interface CheckpointFlags extends CriuFlags {
  /** --parent-path: a pre-dump's image directory, relative to the image path. */
  parentPath?: string;
  /** --leave-running: the container keeps running after the dump. */
  leaveRunning?: boolean;
  /** --pre-dump: memory only, the container keeps running; a later dump names it with --parent-path. */
  preDump?: boolean;
}

export interface RestoreFlags extends CriuFlags {
  bundle?: string;
  /** --detach: return once the process runs (otherwise wait for it, as runc does). */
  detach?: boolean;
  pidFile?: string;
}

/** Flags runc has that lxcri does not implement: refused by name, never ignored. */
export function refuseUnsupported(given: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const v = given[name];
    if (v === undefined || v === false || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    throw new LxcriError("invalid-argument", `--${name} is not supported by lxcri (checkpoint and restore run CRIU without it)`);
  }
}

/** --manage-cgroups-mode checked; CRIU's --manage-cgroups argument. */
export function manageCgroups(mode: string | undefined): string {
  if (mode === undefined || mode === "") return "--manage-cgroups";
  if (!(CGROUP_MODES as readonly string[]).includes(mode))
    throw new LxcriError("invalid-argument", `--manage-cgroups-mode ${JSON.stringify(mode)}: must be one of ${CGROUP_MODES.join(", ")}`);
  return `--manage-cgroups=${mode}`;
}

/** --empty-ns checked (runc takes only "network"); CRIU's arguments. */
export function emptyNs(list: string[] | undefined): string[] {
  const out: string[] = [];
  for (const ns of list ?? []) {
    if (ns !== "network")
      throw new LxcriError("invalid-argument", `--empty-ns ${JSON.stringify(ns)}: only "network" is supported (as in runc)`);
    out.push("--empty-ns", "net");
  }
  return out;
}

function common(f: CriuFlags): string[] {
  const a = [manageCgroups(f.manageCgroupsMode), ...emptyNs(f.emptyNs)];
  if (f.tcpEstablished) a.push("--tcp-established");
  if (f.extUnixSk) a.push("--ext-unix-sk");
  if (f.shellJob) a.push("--shell-job");
  if (f.fileLocks) a.push("--file-locks");
  if (f.autoDedup) a.push("--auto-dedup");
  return a;
}

/** A mount CRIU must not dump (its source is outside the container): its mount point, and the name the image keeps for it. */
export interface ExternalMount {
  destination: string;
  /** The image's name for it: the destination for a bind mount (as runc), "/dev/null" for a masked file. */
  key: string;
  /** The host path restore binds there. */
  source: string;
}

export interface DumpFacts {
  pid: number;
  imagePath: string;
  workPath: string;
  externalMounts: readonly ExternalMount[];
  /** Namespaces joined by path: their inode (CRIU's name for them) by type. */
  externalNs: Partial<Record<ExternalNs, string>>;
}

/** criu dump (or pre-dump) for `flags`. */
export function dumpArgs(flags: CheckpointFlags, facts: DumpFacts): string[] {
  const a = [flags.preDump ? "pre-dump" : "dump", "--tree", String(facts.pid), "--images-dir", facts.imagePath];
  a.push("--work-dir", facts.workPath, "--log-file", DUMP_LOG, "-v4", ...common(flags));
  if (flags.preDump) a.push("--track-mem");
  if (flags.parentPath) a.push("--prev-images-dir", flags.parentPath, "--track-mem");
  if (flags.leaveRunning && !flags.preDump) a.push("--leave-running");
  if (!flags.preDump) {
    for (const m of facts.externalMounts) a.push("--ext-mount-map", `${m.destination}:${m.key}`);
    for (const [type, inode] of Object.entries(facts.externalNs))
      a.push("--external", `${type === "network" ? "net" : "pid"}[${inode}]:${EXTERNAL_NS_KEY[type as ExternalNs]}`);
  }
  return a;
}

export interface RestoreFacts {
  imagePath: string;
  workPath: string;
  /** A mount point of the rootfs (CRIU's --root). */
  root: string;
  pidFile: string;
  /** The container's cgroup below each hierarchy's base, where CRIU puts the restored tree. */
  cgroupRoot: string;
  externalMounts: readonly ExternalMount[];
  /** The fd (in CRIU's process) of each namespace joined by path. */
  externalNs: Partial<Record<ExternalNs, number>>;
  /**
   * CRIU has --mntns-compat-mode (3.17 and later): its older mount engine. The newer one fails to
   * restore a container's mounts that share propagation with the host's ("Failed to copy sharing").
   */
  mntnsCompat?: boolean;
  /** CRIU's key of what each of fds 0-2 was (a pipe), restored from restore's own fd of that number. */
  inherit: readonly (string | undefined)[];
}

/** criu restore for `flags`: the process tree detached (re-parented once CRIU exits). */
export function restoreArgs(flags: RestoreFlags, facts: RestoreFacts): string[] {
  const a = ["restore", "--images-dir", facts.imagePath, "--work-dir", facts.workPath, "--log-file", RESTORE_LOG, "-v4"];
  a.push("--root", facts.root, "--restore-detached", "--pidfile", facts.pidFile, "--evasive-devices", ...common(flags));
  a.push("--cgroup-root", facts.cgroupRoot);
  if (facts.mntnsCompat) a.push("--mntns-compat-mode");
  const keys = new Set<string>();
  for (const m of facts.externalMounts) {
    if (keys.has(m.key)) continue; // masked files share one
    keys.add(m.key);
    a.push("--ext-mount-map", `${m.key}:${m.source}`);
  }
  for (const [type, fd] of Object.entries(facts.externalNs)) a.push("--inherit-fd", `fd[${fd}]:${EXTERNAL_NS_KEY[type as ExternalNs]}`);
  facts.inherit.forEach((key, fd) => {
    if (key) a.push("--inherit-fd", `fd[${fd}]:${key}`);
  });
  return a;
}

/** What restore inherits for one of descriptors.json's entries: a pipe (as runc: the caller's new pipe takes its place). */
export function inheritKey(descriptor: unknown): string | undefined {
  return typeof descriptor === "string" && /^pipe:\[\d+\]$/.test(descriptor) ? descriptor : undefined;
}
