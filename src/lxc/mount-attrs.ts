// Recursive mount options (runc's "rro", "rnosuid", ...): mount(2) flags bind
// only the top mount, and liblxc passes options it does not know to the
// filesystem as data, which a bind mount ignores: "rro" would silently do
// nothing. init applies them with mount_setattr(2) and AT_RECURSIVE
// after liblxc's mounts, before the container is created. (Id-mapped mounts,
// "idmap" and "ridmap", are the idmap start-host hook's: src/lxc/idmap-mounts.ts.)
import type { RecursiveAttr } from "../contract/plan.ts";
import type { RecursiveOption, SharedBindFlag } from "../spec/mounts.ts";

const RDONLY = 0x1,
  NOSUID = 0x2,
  NODEV = 0x4,
  NOEXEC = 0x8,
  ATIME = 0x70,
  NOATIME = 0x10,
  STRICTATIME = 0x20;
const NODIRATIME = 0x80,
  NOSYMFOLLOW = 0x200000;

/** option → [attr_set, attr_clr] for struct mount_attr. */
const RECURSIVE: Record<RecursiveOption, [number, number]> = {
  rro: [RDONLY, 0],
  rrw: [0, RDONLY],
  rnosuid: [NOSUID, 0],
  rsuid: [0, NOSUID],
  rnodev: [NODEV, 0],
  rdev: [0, NODEV],
  rnoexec: [NOEXEC, 0],
  rexec: [0, NOEXEC],
  rnodiratime: [NODIRATIME, 0],
  rdiratime: [0, NODIRATIME],
  rrelatime: [0, ATIME],
  rnorelatime: [0, ATIME],
  rnoatime: [NOATIME, ATIME],
  ratime: [0, ATIME],
  rstrictatime: [STRICTATIME, ATIME],
  rnostrictatime: [0, ATIME],
  rnosymfollow: [NOSYMFOLLOW, 0],
  rsymfollow: [0, NOSYMFOLLOW],
};

/** A bind mount's own options (its top mount) → [attr_set, attr_clr]. */
const TOP: Record<SharedBindFlag, [number, number]> = {
  ro: [RDONLY, 0],
  rw: [0, RDONLY],
  nosuid: [NOSUID, 0],
  suid: [0, NOSUID],
  nodev: [NODEV, 0],
  dev: [0, NODEV],
  noexec: [NOEXEC, 0],
  exec: [0, NOEXEC],
  nodiratime: [NODIRATIME, 0],
  diratime: [0, NODIRATIME],
  relatime: [0, ATIME],
  norelatime: [0, ATIME],
  noatime: [NOATIME, ATIME],
  atime: [0, ATIME],
  strictatime: [STRICTATIME, ATIME],
  nostrictatime: [0, ATIME],
  nosymfollow: [NOSYMFOLLOW, 0],
  symfollow: [0, NOSYMFOLLOW],
};

const MS_REC = 0x4000,
  MS_SHARED = 1 << 20;

/** A bind mount with shared propagation, as ffi/native/propagate.c mounts it from the host. */
export interface SharedBind {
  source: string;
  destination: string;
  /** "rbind": the source's submounts too. */
  recursive: boolean;
  /** struct mount_attr for the top mount. */
  set: number;
  clr: number;
  /** MS_SHARED, with MS_REC for "rshared". */
  propagation: number;
}

/**
 * A bind mount that asks for shared propagation: its options (after the recursive ones are
 * split off, which init applies as for any mount) as mount_setattr(2) takes them. What is not
 * a flag (filesystem data such as "mode=755", which the kernel ignores on a bind mount, or
 * another propagation) means nothing for the clone, as for liblxc's bind below it.
 */
export function sharedBind(source: string, destination: string, options: readonly string[]): SharedBind {
  let set = 0;
  let clr = 0;
  let recursive = false;
  let propagation = 0;
  for (const o of options) {
    if (o === "rbind") recursive = true;
    else if (o === "shared" || o === "rshared") propagation |= MS_SHARED | (o === "rshared" ? MS_REC : 0);
    else {
      const flags = TOP[o as SharedBindFlag];
      if (!flags) continue;
      set = (set & ~flags[1]) | flags[0];
      clr = (clr & ~flags[0]) | flags[1];
    }
  }
  return { source, destination, recursive, set, clr, propagation };
}

/** Options liblxc does not know and would pass to the filesystem as data (a bind mount ignores it). */
const DATA_TO_LIBLXC = new Set(["nosymfollow", "symfollow"]);

/**
 * A mount's own flags that init sets on the mount at `dest` alone (mount_setattr without
 * AT_RECURSIVE), as runc's MS_BIND | MS_REMOUNT does: on a bind mount every flag (liblxc
 * remounts a bind mount only when it is read-only: "nosuid", "nodev", "noexec", "noatime" on a
 * read-write one did nothing), elsewhere "nosymfollow" and "symfollow", which liblxc would hand
 * to the filesystem as data. Those two are taken out of liblxc's options.
 */
export function topAttrs(options: string[], dest: string, bind: boolean): { options: string[]; attr?: RecursiveAttr } {
  let set = 0;
  let clr = 0;
  const rest: string[] = [];
  for (const o of options) {
    const attr = bind || DATA_TO_LIBLXC.has(o) ? TOP[o as SharedBindFlag] : undefined;
    if (!DATA_TO_LIBLXC.has(o)) rest.push(o);
    if (!attr) continue;
    set = (set & ~attr[1]) | attr[0];
    clr = (clr & ~attr[0]) | attr[1];
  }
  return { options: rest, attr: set || clr ? { path: dest, set, clr, top: true } : undefined };
}

/** Splits a mount's options into those for liblxc and the recursive attributes for init. */
export function recursiveAttrs(options: string[], dest: string): { options: string[]; attr?: RecursiveAttr } {
  let set = 0;
  let clr = 0;
  const rest: string[] = [];
  options.forEach((o) => {
    const attr = RECURSIVE[o as RecursiveOption];
    if (!attr) return void rest.push(o);
    set = (set & ~attr[1]) | attr[0];
    clr = (clr & ~attr[0]) | attr[1];
  });
  return { options: rest, attr: set || clr ? { path: dest, set, clr } : undefined };
}
