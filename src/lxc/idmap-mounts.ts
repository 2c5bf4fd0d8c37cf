// Id-mapped bind mounts (checked by src/spec/idmap.ts) → the second lxc.hook.start-host,
// lxcri-init idmap (ffi/native/idmap.c), which clones each source on the host, maps its ids
// with mount_setattr(MOUNT_ATTR_IDMAP) and stacks it on liblxc's plain bind of the same
// source. That bind is optional: the container's root, another uid on the host, may not
// reach the source, which the hook, on the host, does.
import { hookArg } from "./items.ts";
import { idmapKind } from "../spec/idmap.ts";
import type { IdMapping, Mount } from "../spec/types.ts";
import { unsupportedOnHost } from "../errors.ts";
import { sharedBind } from "./mount-attrs.ts";

export interface IdmapMount {
  /** in spec.mounts */
  index: number;
  source: string;
  destination: string;
  /** "rbind": the source's submounts are cloned too. */
  rbind: boolean;
  /** "ridmap": the submounts are mapped too. */
  ridmap: boolean;
  /** struct mount_attr for the top mount (ro, nosuid, ...). */
  set: number;
  clr: number;
  /** "c:h:s/c:h:s", or "c": the container's user namespace's. */
  uids: string;
  gids: string;
}

const maps = (m: IdMapping[] | undefined) => (m?.length ? m.map((r) => `${r.containerID}:${r.hostID}:${r.size}`).join("/") : "c");

/**
 * For an id-mapped bind mount: what the hook mounts, with `source` and `dest` as the host
 * and the container see them and `options` liblxc's (without the recursive ones, which init
 * applies as for any mount); `options` gets "optional". Undefined for any other mount.
 */
export function idmapMount(m: Mount, index: number, source: string, dest: string, options: string[]): IdmapMount | undefined {
  const kind = idmapKind(m);
  if (!kind) return undefined;
  const top = sharedBind(source, dest, options);
  if (!options.includes("optional")) options.push("optional");
  return {
    index,
    source,
    destination: dest,
    rbind: top.recursive,
    ridmap: kind === "ridmap",
    set: top.set,
    clr: top.clr,
    uids: maps(m.uidMappings),
    gids: maps(m.gidMappings),
  };
}

/** The hook's command: the sealed lxcri-init, the report fd, per mount its fields (paths hex: nothing needs quoting). */
export function idmapHookCommand(mounts: IdmapMount[], exeFd: number, reportFd: number): string {
  const args = mounts.flatMap((m) => [
    hookArg(m.source),
    hookArg(m.destination),
    m.rbind ? 1 : 0,
    m.ridmap ? 1 : 0,
    m.set,
    m.clr,
    m.uids,
    m.gids,
  ]);
  return [`/proc/self/fd/${exeFd}`, "idmap", reportFd, ...args].join(" ");
}

/**
 * A mount at or below an earlier id-mapped one would be hidden by it (the hook stacks it after
 * all others); the checker refused what the config names, this is where the rootfs's symlinks lead.
 */
export function checkBelowIdmapped(idmapped: IdmapMount[], dest: string, at: string): void {
  const above = idmapped.find((s) => dest === s.destination || dest.startsWith(`${s.destination === "/" ? "" : s.destination}/`));
  if (above)
    throw unsupportedOnHost(
      `${at}.destination`,
      `resolves in the rootfs to ${JSON.stringify(dest)}, at or below mounts[${above.index}].destination, an id-mapped mount, which is mounted on top after all other mounts`,
    );
}
