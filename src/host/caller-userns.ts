// The caller's own user namespace as /proc says it, read once per process:
// whether lxcri runs rootless (src/rootless.ts has the rules) and who may own
// its parts. (src/host/userns.ts is about a namespace a container joins.)
import { tryReadText } from "./fs.ts";
import { inUserNamespace, isRootless, rootUnmapped, trustedOwners } from "../rootless.ts";

let map: string | undefined | null = null;

/** /proc/self/uid_map (undefined where there is none: a kernel without user namespaces). */
export function uidMap(): string | undefined {
  if (map === null) map = tryReadText("/proc/self/uid_map");
  return map;
}

export const inUserns = (): boolean => inUserNamespace(uidMap());

/** Rootless (runc's --rootless: true, false, undefined for auto). */
export function rootless(flag: boolean | undefined): boolean {
  return isRootless(flag, process.geteuid!(), inUserns());
}

/** The owners an installed part may have (rules in src/rootless.ts). */
export function partOwners(flag: boolean | undefined): number[] {
  const m = uidMap();
  const overflow =
    m !== undefined && inUserNamespace(m) && rootUnmapped(m) ? Number(tryReadText("/proc/sys/kernel/overflowuid") ?? 65534) : undefined;
  return trustedOwners(rootless(flag), process.geteuid!(), overflow);
}
