// What of a container's config checkpoint and restore cannot carry over,
// refused before CRIU runs and naming the field. Pure.
import { LxcriError } from "../../errors.ts";
import type { Spec } from "../../spec/types.ts";
import { EXTERNAL_NS_KEY } from "./criu-args.ts";

export function checkSpec(spec: Spec): void {
  // The pty's master is the caller's (--console-socket): CRIU would need it as an external tty.
  if (spec.process?.terminal)
    throw new LxcriError("invalid-config", "process.terminal: checkpoint and restore of a container with a terminal are not supported");
  // CRIU 3.17 knows neither id-mapped mounts nor devices moved into the container's network namespace
  (spec.mounts ?? []).forEach((m, i) => {
    if (m.uidMappings?.length || m.gidMappings?.length || m.options?.some((o) => o === "idmap" || o === "ridmap"))
      throw new LxcriError("invalid-config", `mounts[${i}]: checkpoint and restore of an id-mapped mount are not supported`);
  });
  if (Object.keys(spec.linux?.netDevices ?? {}).length)
    throw new LxcriError(
      "invalid-config",
      "linux.netDevices: checkpoint and restore of a container with moved network devices are not supported",
    );
  (spec.linux?.namespaces ?? []).forEach((ns, i) => {
    if (ns.path && !(ns.type in EXTERNAL_NS_KEY))
      throw new LxcriError(
        "invalid-config",
        `linux.namespaces[${i}]: a ${ns.type} namespace joined by path: checkpoint and restore support only network and pid namespaces joined by path`,
      );
  });
}
