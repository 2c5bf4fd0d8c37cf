// Which of a container's mounts CRIU must not dump but name (their source is
// on the host), read from init's mountinfo: what the config bound in
// (runc's rule: a bind mount's image name is its destination), the default
// devices bound from the host's /dev onto a tmpfs /dev, and the host's
// /dev/null that masks files (image name "/dev/null", as runc). Pure.
import { DEFAULT_DEVICES, containerPath } from "../../lxc/mounts.ts";
import { join } from "../../path.ts";
import type { Spec } from "../../spec/types.ts";
import type { ExternalMount } from "./criu-args.ts";

export interface MountInfo {
  /** The mount point, as the process sees it. */
  mountPoint: string;
  /** The path of the mounted filesystem that is its root. */
  root: string;
  fstype: string;
}

/** mountinfo's octal escapes (\040 for a space, ...). */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** /proc/<pid>/mountinfo's lines: mount point, root, filesystem type. */
export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    const dash = f.indexOf("-");
    if (f.length < 10 || dash < 6) continue;
    out.push({ root: unescape(f[3]!), mountPoint: unescape(f[4]!), fstype: f[dash + 1]! });
  }
  return out;
}

const isBind = (m: { type?: string; options?: string[] }) =>
  m.type === "bind" || !!m.options?.includes("bind") || !!m.options?.includes("rbind");

/**
 * The external mounts of a container created from `spec` in `bundle`: at dump, those `mounts`
 * (init's mountinfo) has; at restore (no `mounts`), every one the image may name.
 */
export function externalMounts(spec: Spec, bundle: string, mounts?: readonly MountInfo[]): ExternalMount[] {
  const at = mounts && new Set(mounts.map((m) => m.mountPoint));
  const out: ExternalMount[] = [];
  const add = (m: ExternalMount) => {
    if ((!at || at.has(m.destination)) && !out.some((o) => o.destination === m.destination)) out.push(m);
  };
  for (const m of spec.mounts ?? []) {
    const dest = containerPath(m.destination);
    if (isBind(m) && m.source) add({ destination: dest, key: dest, source: m.source.startsWith("/") ? m.source : join(bundle, m.source) });
    if (dest === "/dev" && m.type === "tmpfs")
      for (const d of DEFAULT_DEVICES) add({ destination: `/dev/${d}`, key: `/dev/${d}`, source: `/dev/${d}` });
  }
  const masked = new Set((spec.linux?.maskedPaths ?? []).map(containerPath));
  if (!mounts) {
    if (masked.size) add({ destination: "/dev/null", key: "/dev/null", source: "/dev/null" });
    return out;
  }
  for (const m of mounts)
    if (masked.has(m.mountPoint) && m.fstype !== "tmpfs") add({ destination: m.mountPoint, key: "/dev/null", source: "/dev/null" });
  return out;
}
