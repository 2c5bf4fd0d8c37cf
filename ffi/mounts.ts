// The two mount calls restore makes on the host: CRIU restores a container's
// root only from a directory that is a mount point whose parent is not
// overmounted (runc binds the rootfs to a directory of its own for the same
// reason), and the bind goes again once CRIU is done.
import { ptr } from "bun:ffi";
import { cs } from "./files.ts";
import { sys, trySys } from "./libc.ts";
import { MNT_DETACH, SYS } from "./syscalls.ts";

const MS_BIND = 0x1000;
const MS_REC = 0x4000;

/** mount --rbind `source` `target` (both absolute host paths). */
export function bindMount(source: string, target: string): void {
  const s = cs(source);
  const t = cs(target);
  sys(`bind mount ${source} on ${target}`, SYS.mount, ptr(s), ptr(t), null, MS_BIND | MS_REC, null);
}

/** umount -l `target`: true when it was unmounted. */
export function detachMount(target: string): boolean {
  const t = cs(target);
  return trySys(SYS.umount2, ptr(t), MNT_DETACH) === 0;
}
