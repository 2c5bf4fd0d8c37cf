// Filesystems liblxc 5.0 cannot mount as asked, mounted by lxcri itself ("staged").
//
// liblxc 5.0 splits a mount entry's options at commas and keeps, of what is not one of its
// own flags, only the parts with a "=" (conf.c parse_mount_attrs; liblxc 6.0.5 keeps every
// part: lxc commit 9041ae3). So a filesystem option without "=" (a tmpfs's "noswap" or
// "inode64", an overlay's "userxattr") never reached the filesystem, and linux.mountLabel with
// a category set (`context="…:s0:c1,c2"`, what podman picks by default) lost its ",c2\"": the
// kernel got another label. runc hands the whole data string to mount(2).
//
// Such a mount is made by `lxcri-init stage` (ffi/native/stage.c), which liblxc runs as
// lxc.hook.pre-mount in the container's mount namespace, before it mounts the rootfs and the
// entries: on a private tmpfs over the stage directory (<root>/.stage, empty on the host, the
// tmpfs in the container's namespace only), each such filesystem is mounted at <k> with its
// mount(2) flags and its data string whole. The mount entry becomes a bind of that mount, in
// the config's order, so mountinfo keeps the order and the mounts below it stay visible; a
// bind keeps the filesystem (its superblock: type, data, label) and copies the mount's flags.
// The stage goes with the old root at pivot_root.
import { join } from "../path.ts";
import { hookArg } from "./items.ts";

/** One filesystem for the pre-mount hook. */
export interface StagedMount {
  /** In spec.mounts (a failure names it); -1 for one lxcri adds (a v1 host's cgroup tmpfs). */
  index: number;
  source: string;
  fstype: string;
  /** mount(2) flags (MS_*). */
  flags: number;
  /** The filesystem's data, as runc joins it: every option that is not a flag, by commas. */
  data: string;
  /** In the container (for messages). */
  destination: string;
}

/** What liblxc 5.0 reads as its own flags (conf.c mount_opt, propagation_opt): exact names. */
const LIBLXC_FLAGS: ReadonlySet<string> = new Set([
  ...["atime", "dev", "diratime", "exec", "noatime", "nodev", "nodiratime", "noexec", "norelatime", "nostrictatime"],
  ...["nosuid", "relatime", "ro", "rw", "strictatime", "suid", "bind", "defaults", "rbind", "sync", "async", "dirsync"],
  ...["lazytime", "mand", "nomand", "private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable"],
  // liblxc's own (create=dir, optional), lxcri's: never the filesystem's
  "optional",
]);

/**
 * Options that lose nothing when liblxc drops them: "acl"/"noacl" (runc's MS_POSIXACL, which the
 * kernel keeps to itself) and devpts' "newinstance" (every devpts mount is one since Linux 4.7).
 */
const DROPPED_HARMLESSLY: ReadonlySet<string> = new Set(["acl", "noacl", "newinstance"]);

/** Whether liblxc 5.0 would mount these options as something else than asked. */
export function liblxcDropsSome(options: readonly string[]): boolean {
  return options.some((o) =>
    o
      .split(",")
      .some((part) => !part.includes("=") && !part.startsWith("create=") && !LIBLXC_FLAGS.has(part) && !DROPPED_HARMLESSLY.has(part)),
  );
}

const MS_RDONLY = 0x1,
  MS_NOSUID = 0x2,
  MS_NODEV = 0x4,
  MS_NOEXEC = 0x8,
  MS_SYNCHRONOUS = 0x10,
  MS_MANDLOCK = 0x40,
  MS_DIRSYNC = 0x80,
  MS_NOATIME = 0x400,
  MS_NODIRATIME = 0x800,
  MS_POSIXACL = 1 << 16,
  MS_RELATIME = 1 << 21,
  MS_STRICTATIME = 1 << 24,
  MS_LAZYTIME = 1 << 25;

/** option → [set, clear], as runc's mountPropagationMapping/flags table (libcontainer/specconv). */
const FLAGS: Record<string, [number, number]> = {
  defaults: [0, 0],
  ro: [MS_RDONLY, 0],
  rw: [0, MS_RDONLY],
  nosuid: [MS_NOSUID, 0],
  suid: [0, MS_NOSUID],
  nodev: [MS_NODEV, 0],
  dev: [0, MS_NODEV],
  noexec: [MS_NOEXEC, 0],
  exec: [0, MS_NOEXEC],
  sync: [MS_SYNCHRONOUS, 0],
  async: [0, MS_SYNCHRONOUS],
  mand: [MS_MANDLOCK, 0],
  nomand: [0, MS_MANDLOCK],
  dirsync: [MS_DIRSYNC, 0],
  noatime: [MS_NOATIME, 0],
  atime: [0, MS_NOATIME],
  nodiratime: [MS_NODIRATIME, 0],
  diratime: [0, MS_NODIRATIME],
  relatime: [MS_RELATIME, 0],
  norelatime: [0, MS_RELATIME],
  strictatime: [MS_STRICTATIME, 0],
  nostrictatime: [0, MS_STRICTATIME],
  lazytime: [MS_LAZYTIME, 0],
  acl: [MS_POSIXACL, 0],
  noacl: [0, MS_POSIXACL],
};

/** Propagation stays on the bind (liblxc's, then the propagation steps); create= and optional are liblxc's. */
const FOR_THE_BIND = new Set(["private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable"]);

/**
 * A mount for the stage, and the options of liblxc's bind of it: the flags and data go to
 * mount(2) as runc gives them; the bind keeps the propagation options.
 */
export function stageMount(
  index: number,
  source: string,
  fstype: string,
  options: readonly string[],
  destination: string,
): { staged: StagedMount; bindOptions: string[] } {
  let flags = 0;
  const data: string[] = [];
  const bindOptions = ["bind"];
  for (const o of options) {
    if (FOR_THE_BIND.has(o)) bindOptions.push(o);
    else if (Object.hasOwn(FLAGS, o)) flags = (flags & ~FLAGS[o]![1]) | FLAGS[o]![0];
    else data.push(o);
  }
  return { staged: { index, source, fstype, flags, data: data.join(","), destination }, bindOptions };
}

/** The stage directory below a runtime root (src/contract/layout.ts): no container id starts with ".". */
export const stageDir = (root: string): string => join(root, ".stage");

/**
 * lxc.hook.pre-mount: liblxc runs it as `sh -c "exec <cmd>"` in the container's child, in its
 * mount namespace (and user namespace) before the rootfs is mounted. The sealed lxcri-init in
 * stage mode: the report fd, the stage directory, then per mount its source, type, data and
 * destination in hex (nothing needs quoting) and its flags in decimal.
 */
export function stageHookCommand(exeFd: number, reportFd: number, dir: string, staged: readonly StagedMount[]): string {
  const args = staged.flatMap((m) => [hookArg(m.source), hookArg(m.fstype), m.flags, hookArg(m.data), hookArg(m.destination)]);
  return [`/proc/self/fd/${exeFd}`, "stage", reportFd, hookArg(dir), ...args].join(" ");
}
