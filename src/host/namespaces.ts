// Namespace paths from config.json, checked against the host: each must be a
// namespace of its type, and joins that would change the host are refused.
import { statSync } from "node:fs";
import { namespaceType } from "../../ffi/namespaces.ts";
import { unsupportedOnHost } from "../errors.ts";

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

/** /proc/<pid>/ns/<name> for an OCI namespace type. */
const PROC_NAME: Record<string, string> = {
  mount: "mnt",
  cgroup: "cgroup",
  uts: "uts",
  ipc: "ipc",
  user: "user",
  pid: "pid",
  network: "net",
  time: "time",
};

/** Whether the namespace at `path` is this process's or pid 1's of that type: the host's, for our purposes. */
export function isRuntimeNamespace(type: string, path: string): boolean {
  let target;
  try {
    target = statSync(path);
  } catch {
    return false;
  }
  return [`/proc/self/ns/${PROC_NAME[type]}`, `/proc/1/ns/${PROC_NAME[type]}`].some((p) => {
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
    let type: number;
    try {
      type = namespaceType(ns.path);
    } catch (e) {
      throw unsupportedOnHost(at, `cannot open ${ns.path}: ${(e as NodeJS.ErrnoException).code}`);
    }
    if (type !== CLONE_FLAGS[ns.type]) throw unsupportedOnHost(at, `${ns.path} is not a ${ns.type} namespace`);
    if (ns.type === "mount" && isRuntimeNamespace("mount", ns.path))
      throw unsupportedOnHost(at, `${ns.path} is the runtime's or the host's mount namespace: LXC would pivot the host's root there`);
    // liblxc joins it to run the container as its root there: the runtime's own has no such root
    if (ns.type === "user" && isRuntimeNamespace("user", ns.path))
      throw unsupportedOnHost(
        at,
        `${ns.path} is the runtime's or the host's user namespace: to run in it, leave "user" out of linux.namespaces`,
      );
    if (ns.type === "uts" && opts.setsUtsNames && isRuntimeNamespace("uts", ns.path))
      throw unsupportedOnHost(
        at,
        `${ns.path} is the runtime's or the host's uts namespace: setting hostname or domainname there would change the host's`,
      );
  });
}
