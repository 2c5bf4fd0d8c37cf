// A user namespace joined by path (linux.namespaces {type: "user", path}: a Kubernetes pod's
// containers share the sandbox's, podman's --userns=container:…): its id maps, which liblxc
// needs in lxc.idmap (it switches to the container's root there and chowns what it makes for
// it) and id-mapped mounts take by default. Read by lxcri-init userns-maps (ffi/native/userns.c:
// a child joins the namespace, which a multithreaded runtime cannot), run from a sealed copy
// as every lxcri-init that meets a container is.
import { stat } from "./fs.ts";
import { closeFd } from "../../ffi/fds.ts";
import { sealedExe } from "../../ffi/sealed.ts";
import { unsupportedOnHost } from "../errors.ts";
import { hostId } from "../spec/linux.ts";
import type { IdMapping, Spec } from "../spec/types.ts";

export interface UserNamespaceMaps {
  uid: IdMapping[];
  gid: IdMapping[];
  /** The namespace's file (device and inode): liblxc opens the path again, and create checks the container is in this one. */
  ns?: { dev: number; ino: number };
}

/** "n 4 4026532301\nu 0 100000 65536\ng 0 100000 65536\n" (userns-maps's output) → the maps. */
export function parseMaps(text: string): UserNamespaceMaps {
  const maps: UserNamespaceMaps = { uid: [], gid: [] };
  for (const line of text.split("\n")) {
    const [kind, c, h, s] = line.trim().split(/\s+/);
    if (kind === "n") maps.ns = { dev: Number(c), ino: Number(h) };
    if (kind !== "u" && kind !== "g") continue;
    maps[kind === "u" ? "uid" : "gid"].push({ containerID: Number(c), hostID: Number(h), size: Number(s) });
  }
  return maps;
}

/**
 * Throws unless init's user namespace is the one whose maps were read: liblxc opens the path
 * again, and a /proc/<pid>/ns/user whose process exited and whose pid was taken by another in
 * between would name another namespace, to which the maps in lxc.idmap would not belong.
 */
export function checkJoinedUserns(init: number, read: UserNamespaceMaps | undefined, path: string): void {
  if (!read?.ns) return;
  const st = stat(`/proc/${init}/ns/user`);
  if (st.device !== String(read.ns.dev) || st.inode !== String(read.ns.ino))
    throw unsupportedOnHost(
      "linux.namespaces",
      `the user namespace at ${path} changed while the container was created (its process exited?)`,
    );
}

/** The maps of the user namespace at `path`, as the runtime's user namespace sees them. */
export function readUserNamespaceMaps(path: string, initExe: string, at: string): UserNamespaceMaps {
  const exe = sealedExe(initExe);
  try {
    const r = Bun.spawnSync({ cmd: ["/proc/self/fd/3", "userns-maps", path], stdio: ["ignore", "pipe", "pipe", exe] as never, env: {} });
    if (!r.success) throw unsupportedOnHost(at, r.stderr.toString().trim() || `cannot read the id maps of ${path}`);
    return parseMaps(r.stdout.toString());
  } finally {
    closeFd(exe);
  }
}

const key = (maps: IdMapping[]) =>
  maps
    .map((m) => `${m.containerID}:${m.hostID}:${m.size}`)
    .sort()
    .join(" ");

/**
 * With a user namespace joined by path: its maps as linux.uidMappings and gidMappings
 * (what translation and the checks that follow read), after checking those the config gives
 * are the same (runc: "do not match those of the joined namespace"), and that the
 * container's root is mapped (init runs as it).
 */
export function adoptJoinedMaps(
  spec: Spec,
  read: (path: string, at: string) => UserNamespaceMaps,
): (UserNamespaceMaps & { path: string }) | undefined {
  const namespaces = spec.linux?.namespaces ?? [];
  const i = namespaces.findIndex((n) => n.type === "user" && n.path);
  if (i < 0) return undefined;
  const path = namespaces[i]!.path!;
  const maps = read(path, `linux.namespaces[${i}].path`);
  const linux = spec.linux!;
  for (const [field, have] of [
    ["uidMappings", maps.uid],
    ["gidMappings", maps.gid],
  ] as const) {
    const given = linux[field];
    if (given?.length && key(given) !== key(have))
      throw unsupportedOnHost(
        `linux.${field}`,
        `${key(given)} do not match the maps of the user namespace at ${path}: ${key(have) || "none"}`,
      );
    linux[field] = have;
  }
  if (hostId(maps.uid, 0) === undefined || hostId(maps.gid, 0) === undefined)
    throw unsupportedOnHost(
      `linux.namespaces[${i}].path`,
      `the user namespace at ${path} does not map uid and gid 0: the container's init runs as its root`,
    );
  return { ...maps, path };
}
