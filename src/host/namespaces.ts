// Namespace paths from config.json, checked against the host: each must be a
// namespace of its type, and joins that would change the host are refused.
import { stat } from "./fs.ts";
import { namespaceType, ownedWithin } from "../../ffi/namespaces.ts";
import { unsupportedOnHost } from "../errors.ts";
import { utf8Hex } from "../contract/hex.ts";

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
    target = stat(path);
  } catch {
    return false;
  }
  return [`/proc/self/ns/${PROC_NAME[type]}`, `/proc/1/ns/${PROC_NAME[type]}`].some((p) => {
    try {
      const st = stat(p);
      return st.inode === target.inode && st.device === target.device;
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

/**
 * With a user namespace joined by path: the other namespaces joined by path that it does not
 * own (nor one below it). liblxc joins the user namespace first (start.c do_share_ns) and from
 * there has no right to join those; runc joins them first. containerd 2.x makes a pod's
 * network namespace in a user namespace of its own, then gives a container the pod's user
 * namespace and that network namespace. The monitor joins these before liblxc starts
 * (ffi/native/monitor.c), which then keeps them for the container. Checked paths only.
 */
export function joinedBeforeUser(namespaces: { type: string; path?: string }[]): { type: string; path: string }[] {
  const user = namespaces.findIndex((n) => n.type === "user" && n.path);
  if (user < 0) return [];
  const found = namespaces.flatMap((ns, i) =>
    ns.path && ns.type !== "user" && !ownedWithin(ns.path, namespaces[user]!.path!) ? [{ type: ns.type, path: ns.path, i }] : [],
  );
  // not in the monitor: its hooks open bind sources in the host's mount namespace, and liblxc
  // finds the monitor's cgroup through its cgroup namespace
  for (const ns of found)
    if (ns.type === "mount" || ns.type === "cgroup")
      throw unsupportedOnHost(
        `linux.namespaces[${ns.i}].path`,
        `${ns.path} belongs to another user namespace than linux.namespaces[${user}].path: liblxc joins that one first, and from there cannot join this`,
      );
  return found.map(({ type, path }) => ({ type, path }));
}

/** The monitor's environment variable naming what it joins first: the paths, hex (no separator or quoting to get wrong), comma-separated. */
export const MONITOR_JOINS_ENV = "LXCRI_MONITOR_JOINS";
export const monitorJoins = (paths: string[]) => paths.map(utf8Hex).join(",");

/**
 * Whether the container's user namespace (new, or joined by path) will not own its network
 * namespace, joined by path: one made before the container's user namespace never is.
 */
export function netnsNotOwned(namespaces: { type: string; path?: string }[]): boolean {
  const user = namespaces.find((n) => n.type === "user");
  const net = namespaces.find((n) => n.type === "network");
  if (!user || !net?.path) return false;
  return !user.path || !ownedWithin(net.path, user.path);
}
