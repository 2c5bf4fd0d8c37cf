// Namespaces as the kernel tells them: the type of a namespace file. Through files.ts, not
// node:fs: create reaches this, and importing node:fs costs a call ~0.5 ms (docs/performance.md).
import { closeFd } from "./fds.ts";
import { fstat, openFile, stat } from "./files.ts";
import { trySys } from "./libc.ts";
import { O_CLOEXEC, O_RDONLY, SYS } from "./syscalls.ts";

const NS_GET_NSTYPE = 0xb703;

/** The CLONE_NEW* flag of the namespace at `path`, or -1 when it is not a namespace. */
export function namespaceType(path: string): number {
  const fd = openFile(path, O_RDONLY | O_CLOEXEC);
  try {
    return trySys(SYS.ioctl, fd, NS_GET_NSTYPE, 0);
  } finally {
    closeFd(fd);
  }
}

const NS_GET_USERNS = 0xb701;
const NS_GET_PARENT = 0xb702;

/**
 * Whether the namespace at `path` is owned by the user namespace at `userns` or by one below
 * it: the namespaces a process that joined `userns` has the capabilities to join.
 */
export function ownedWithin(path: string, userns: string): boolean {
  const want = stat(userns);
  const fd = openFile(path, O_RDONLY | O_CLOEXEC);
  let ns = trySys(SYS.ioctl, fd, NS_GET_USERNS, 0);
  closeFd(fd);
  // up from the owner; the ioctl fails (EPERM) above the runtime's own user namespace
  while (ns >= 0) {
    const st = fstat(ns, path);
    const same = st.inode === want.inode && st.device === want.device;
    const parent = same ? -1 : trySys(SYS.ioctl, ns, NS_GET_PARENT, 0);
    closeFd(ns);
    if (parent < 0) return same;
    ns = parent;
  }
  return false;
}
