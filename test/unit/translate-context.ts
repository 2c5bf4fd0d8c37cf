// The host translation sees (src/lxc/translate.ts TranslateContext), for the
// unit tests: container c1 of bundle /b on cgroup v2, no cgroup hierarchy or
// hard limit, every path missing and none a link, no namespace the runtime's.
// A test names what its case needs in `over`.
import type { TranslateContext } from "../../src/lxc/translate.ts";

export function translateContext(over: Partial<TranslateContext> = {}): TranslateContext {
  return {
    id: "c1",
    bundle: "/b",
    rootfs: "/b/rootfs",
    runtimeDir: "/run/lxcri/c1",
    stageDir: "/run/lxcri/.stage",
    cgroup: "v2",
    logLevel: "warn",
    isRuntimeNamespace: () => false,
    cgroupHierarchies: [],
    hardRlimits: {},
    stat: () => "missing",
    resolve: (p) => p,
    warn: () => {},
    ...over,
  };
}
