// Namespace paths from config.json, checked against the host.
import { closeSync, openSync, statSync } from "node:fs";
import { libc } from "../../ffi/libc.ts";
import { configError } from "../errors.ts";

const CLONE_FLAGS: Record<string, number> = {
  mount: 0x00020000,
  cgroup: 0x02000000,
  uts: 0x04000000,
  ipc: 0x08000000,
  user: 0x10000000,
  pid: 0x20000000,
  network: 0x40000000,
  time: 0x00000080,
};
const SYS_ioctl = 16;
const NS_GET_NSTYPE = 0xb703;

/** Whether `path` is the same namespace as this process's or pid 1's of that type (the host's, for our purposes). */
function isHostNamespace(path: string, procName: string): boolean {
  const target = statSync(path);
  return [`/proc/self/ns/${procName}`, `/proc/1/ns/${procName}`].some((p) => {
    try {
      const st = statSync(p);
      return st.ino === target.ino && st.dev === target.dev;
    } catch {
      return false;
    }
  });
}

/**
 * Checks that each namespace path is a namespace of its type (config-linux.md:
 * MUST error otherwise), and refuses joins that would change the host: its
 * mount namespace (liblxc pivots the container's root in the one it joins) and,
 * with a hostname or domainname to set, its uts namespace.
 */
export function checkNamespacePaths(namespaces: { type: string; path?: string }[], opts: { setsUtsNames?: boolean } = {}): void {
  namespaces.forEach((ns, i) => {
    if (!ns.path) return;
    const at = `linux.namespaces[${i}].path`;
    let fd: number;
    try {
      fd = openSync(ns.path, "r");
    } catch (e) {
      throw configError(at, `cannot open ${ns.path}: ${(e as NodeJS.ErrnoException).code}`);
    }
    try {
      const type = Number(libc.syscall(SYS_ioctl, fd, NS_GET_NSTYPE, 0, 0, 0));
      if (type !== CLONE_FLAGS[ns.type]) throw configError(at, `${ns.path} is not a ${ns.type} namespace`);
      if (ns.type === "mount" && isHostNamespace(ns.path, "mnt"))
        throw configError(at, `${ns.path} is the runtime's or the host's mount namespace: LXC would pivot the host's root there`);
      if (ns.type === "uts" && opts.setsUtsNames && isHostNamespace(ns.path, "uts"))
        throw configError(
          at,
          `${ns.path} is the runtime's or the host's uts namespace: setting hostname or domainname there would change the host's`,
        );
    } finally {
      closeSync(fd);
    }
  });
}
