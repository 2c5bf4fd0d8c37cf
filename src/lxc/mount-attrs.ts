// Recursive mount options (runc's "rro", "rnosuid", ...): mount(2) flags bind
// only the top mount, and liblxc passes options it does not know to the
// filesystem as data, which a bind mount ignores: "rro" would silently do
// nothing. init applies them with mount_setattr(2) and AT_RECURSIVE
// after liblxc's mounts, before the container is created. (Id-mapped mounts,
// "idmap" and "ridmap", are refused by the checker: src/spec/mounts.ts.)
import type { RecursiveAttr } from "../contract/plan.ts";

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
const RECURSIVE: Record<string, [number, number]> = {
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
export const RECURSIVE_OPTIONS = Object.keys(RECURSIVE);

/** Splits a mount's options into those for liblxc and the recursive attributes for the launcher. */
export function recursiveAttrs(options: string[], dest: string): { options: string[]; attr?: RecursiveAttr } {
  let set = 0;
  let clr = 0;
  const rest: string[] = [];
  options.forEach((o) => {
    const attr = RECURSIVE[o];
    if (!attr) return void rest.push(o);
    set = (set & ~attr[1]) | attr[0];
    clr = (clr & ~attr[0]) | attr[1];
  });
  return { options: rest, attr: set || clr ? { path: dest, set, clr } : undefined };
}
