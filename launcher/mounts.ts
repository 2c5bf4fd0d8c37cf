// The few mounts liblxc cannot make: masking or making read-only a FIFO or a
// socket (liblxc opens mount targets, which blocks on a FIFO), and the root's
// propagation (liblxc makes the new root rshared after pivot_root, whatever
// lxc.rootfs.options say). The launcher is root with every capability in the
// container's mount namespace until exec.
import { ptr } from "bun:ffi";
import { errnoMessage, libc } from "../ffi/libc.ts";

const SYS_mount = 165;
const MS_RDONLY = 1;
const MS_REMOUNT = 32;
const MS_BIND = 4096;

function mount(source: string | null, target: string, flags: number): void {
  const src = source === null ? null : Buffer.from(source + "\0");
  const dst = Buffer.from(target + "\0");
  if (libc.syscall(SYS_mount, src ? ptr(src) : 0, ptr(dst), 0, flags, 0, 0) !== 0n) throw new Error(`mount ${target}: ${errnoMessage()}`);
}

export function maskAndProtect(mask: string[], readonly: string[]): void {
  for (const p of mask) mount("/dev/null", p, MS_BIND);
  for (const p of readonly) {
    mount(p, p, MS_BIND);
    mount(null, p, MS_REMOUNT | MS_BIND | MS_RDONLY);
  }
}

/** linux.rootfsPropagation: MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE (with MS_REC for r*) on "/". */
export function setRootPropagation(flags: number): void {
  mount(null, "/", flags);
}
