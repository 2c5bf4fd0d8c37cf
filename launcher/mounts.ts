// The few mounts liblxc cannot make: masking or making read-only a FIFO or a
// socket (liblxc opens mount targets, which blocks on a FIFO), recursive mount
// options ("rro", ...: liblxc has none), and the root's
// propagation (liblxc makes the new root rshared after pivot_root, whatever
// lxc.rootfs.options say). The launcher is root with every capability in the
// container's mount namespace until exec.
import { ptr } from "bun:ffi";
import { sys } from "../ffi/libc.ts";
import type { RecursiveAttr } from "../src/lxc/mount-attrs.ts";

const SYS_mount = 165;
const MS_RDONLY = 1;
const MS_REMOUNT = 32;
const MS_BIND = 4096;

function mount(source: string | null, target: string, flags: number): void {
  const src = source === null ? null : Buffer.from(source + "\0");
  const dst = Buffer.from(target + "\0");
  sys(`mount ${target}`, SYS_mount, src ? ptr(src) : 0, ptr(dst), 0, flags, 0);
}

export function maskAndProtect(mask: string[], readonly: string[]): void {
  for (const p of mask) mount("/dev/null", p, MS_BIND);
  for (const p of readonly) {
    mount(p, p, MS_BIND);
    mount(null, p, MS_REMOUNT | MS_BIND | MS_RDONLY);
  }
}

/** Binds `source` onto `target` (a file that must exist). */
export function bindFile(source: string, target: string): void {
  mount(source, target, MS_BIND);
}

/** linux.rootfsPropagation: MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE (with MS_REC for r*) on "/". */
export function setRootPropagation(flags: number): void {
  mount(null, "/", flags);
}

const SYS_mount_setattr = 442;
const AT_FDCWD = -100;
const AT_RECURSIVE = 0x8000;

/** mount_setattr(2) with AT_RECURSIVE: the options bind every mount below the destination too. */
export function setRecursiveAttrs(attrs: RecursiveAttr[]): void {
  for (const a of attrs) {
    const attr = new BigUint64Array([BigInt(a.set), BigInt(a.clr), 0n, 0n]); // struct mount_attr
    const path = Buffer.from(a.path + "\0");
    sys(`mount_setattr ${a.path}`, SYS_mount_setattr, AT_FDCWD, ptr(path), AT_RECURSIVE, ptr(attr), 32);
  }
}
