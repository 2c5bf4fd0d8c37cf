// Id-mapped mounts checked (runtime-spec config.md mounts[].uidMappings/gidMappings, the
// "idmap" and "ridmap" options), as runc 1.2 takes them: only bind mounts; uidMappings and
// gidMappings together; mappings without either option mean "idmap"; "idmap" without
// mappings takes the container's user namespace's, so it needs one. The start-host hook
// stacks each on liblxc's bind after all other mounts (ffi/native/idmap.c), so a later mount
// at or below one would be hidden, and one that also asks for shared propagation would be
// stacked twice: both are refused.
import { normalize } from "../path.ts";
import { configError } from "../errors.ts";
import type { IdMapping, Mount, Spec } from "./types.ts";

/** The options that ask for an id-mapped mount (only the hook reads them: liblxc would pass them to mount(2) as data). */
export const IDMAP_OPTIONS = ["idmap", "ridmap"] as const;

/** The kernel's limit on the lines of a uid_map or gid_map. */
const MAX_EXTENTS = 340;

/** Whether `m` asks for an id-mapped mount; "ridmap" when its submounts are mapped too. */
export function idmapKind(m: Mount): "idmap" | "ridmap" | undefined {
  const o = m.options ?? [];
  if (o.includes("ridmap")) return "ridmap";
  if (o.includes("idmap") || m.uidMappings?.length || m.gidMappings?.length) return "idmap";
  return undefined;
}

/** Maps the kernel takes: at most 340 ranges, none empty, none past 2^32, none overlapping another inside or outside. */
export function checkIdMaps(maps: IdMapping[], p: string): void {
  if (maps.length > MAX_EXTENTS) throw configError(p, `has ${maps.length} ranges: the kernel takes at most ${MAX_EXTENTS}`);
  maps.forEach((m, i) => {
    if (m.size === 0) throw configError(`${p}[${i}].size`, "must not be 0");
    if (m.containerID + m.size > 2 ** 32 || m.hostID + m.size > 2 ** 32) throw configError(`${p}[${i}]`, "goes past id 4294967295");
    maps.slice(0, i).forEach((o, j) => {
      for (const k of ["containerID", "hostID"] as const)
        if (m[k] < o[k] + o.size && o[k] < m[k] + m.size) throw configError(`${p}[${i}]`, `overlaps ${p}[${j}] in ${k}`);
    });
  });
}

/** One mount's id mapping, at `p` ("mounts[i]"): `bind` whether it is a bind mount. */
export function checkIdmapMount(m: Mount, bind: boolean, p: string): void {
  const kind = idmapKind(m);
  if (!kind) return;
  if (!bind) throw configError(p, `"${kind}": only bind mounts can be id-mapped`);
  // the hook stacks it after all other mounts: on "/" it would hide them all (liblxc cannot even bind there)
  if (normalize(m.destination) === "/")
    throw configError(
      `${p}.destination`,
      `"${kind}" on "/" is not supported: the runtime-spec has no id-mapped rootfs; map the rootfs before create and give it as root.path, as containerd 2.x and podman --rootfs DIR:idmap do`,
    );
  if (!!m.uidMappings?.length !== !!m.gidMappings?.length)
    throw configError(
      `${p}.${m.uidMappings?.length ? "gidMappings" : "uidMappings"}`,
      "an id-mapped mount needs both uidMappings and gidMappings",
    );
  if (m.uidMappings?.length) checkIdMaps(m.uidMappings, `${p}.uidMappings`);
  if (m.gidMappings?.length) checkIdMaps(m.gidMappings, `${p}.gidMappings`);
  if (m.options?.includes("shared") || m.options?.includes("rshared"))
    throw configError(`${p}.options`, "an id-mapped mount with shared propagation is not supported");
}

/** Across fields: "idmap" without mappings needs a user namespace; nothing mounted at or below an id-mapped mount after it. */
export function idmapRules(spec: Spec): void {
  const mounts = spec.mounts ?? [];
  const hasUserns = (spec.linux?.namespaces ?? []).some((n) => n.type === "user");
  mounts.forEach((m, i) => {
    if (!idmapKind(m)) return;
    if (!m.uidMappings?.length && !hasUserns)
      throw configError(
        `mounts[${i}].options`,
        "an id-mapped mount without uidMappings and gidMappings takes the container's user namespace's: it needs one in linux.namespaces",
      );
    const dest = normalize(m.destination);
    mounts.forEach((later, j) => {
      if (j <= i) return;
      const d = normalize(later.destination);
      if (d === dest || d.startsWith(`${dest === "/" ? "" : dest}/`))
        throw configError(
          `mounts[${j}].destination`,
          `is at or below mounts[${i}].destination ${JSON.stringify(dest)}, an id-mapped mount, which is mounted on top after all other mounts: it would hide this one`,
        );
    });
  });
}
