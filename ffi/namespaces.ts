// Namespaces as the kernel tells them: the type of a namespace file.
import { closeSync, openSync } from "node:fs";
import { trySys } from "./libc.ts";
import { O_CLOEXEC, O_RDONLY, SYS } from "./syscalls.ts";

const NS_GET_NSTYPE = 0xb703;

/** The CLONE_NEW* flag of the namespace at `path`, or -1 when it is not a namespace. */
export function namespaceType(path: string): number {
  const fd = openSync(path, O_RDONLY | O_CLOEXEC);
  try {
    return trySys(SYS.ioctl, fd, NS_GET_NSTYPE, 0);
  } finally {
    closeSync(fd);
  }
}
