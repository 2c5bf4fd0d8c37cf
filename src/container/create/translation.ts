// The translation create and restore both make on this host: the spec with the
// host's cgroup layout, rlimits and rootfs filled in (translate itself is pure,
// src/lxc/translate.ts). What only create has (the monitor's hooks, namespaces
// it joins, network devices) comes in `more`; restore runs no monitor.
import { cgroupLayout, freeCgroupName, type HostCgroups } from "../../cgroups/host.ts";
import type { Context } from "../../context.ts";
import { isRuntimeNamespace } from "../../host/namespaces.ts";
import { hardRlimits } from "../../host/rlimits.ts";
import { resolveInRootfs, statKind } from "../../host/rootfs.ts";
import { stageDir } from "../../lxc/staged-mounts.ts";
import { type TranslateContext, type Translation, translate } from "../../lxc/translate.ts";
import type { Spec } from "../../spec/types.ts";

export function translateHere(
  ctx: Context,
  id: string,
  spec: Spec,
  at: { bundle: string; rootfs: string; dir: string },
  cg: HostCgroups,
  more: Partial<TranslateContext> & Pick<TranslateContext, "warn">,
): Translation {
  const seen = new Map<string, string | undefined>();
  return translate(spec, {
    id,
    bundle: at.bundle,
    rootfs: at.rootfs,
    runtimeDir: at.dir,
    stageDir: stageDir(ctx.root),
    stat: statKind,
    resolve: (p) => resolveInRootfs(at.rootfs, p, seen),
    cgroup: cgroupLayout(),
    cgroupHierarchies: cg.hierarchies,
    cgroupV2Base: cg.v2Base,
    cgroupless: cg.cgroupless,
    freeCgroupName: (name) => freeCgroupName(cg, name),
    hardRlimits: hardRlimits(),
    logLevel: ctx.lxcLogLevel,
    isRuntimeNamespace,
    systemdCgroup: ctx.systemdCgroup,
    ...more,
  });
}
