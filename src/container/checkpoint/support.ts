// What of a container's config checkpoint and restore cannot carry over,
// refused before CRIU runs and naming the field. Pure.
import { LxcriError } from "../../errors.ts";
import type { Spec } from "../../spec/types.ts";
import { EXTERNAL_NS_KEY } from "./criu-args.ts";

export function checkSpec(spec: Spec): void {
  // The pty's master is the caller's (--console-socket): CRIU would need it as an external tty.
  if (spec.process?.terminal)
    throw new LxcriError("invalid-config", "process.terminal: checkpoint and restore of a container with a terminal are not supported");
  (spec.linux?.namespaces ?? []).forEach((ns, i) => {
    if (ns.path && !(ns.type in EXTERNAL_NS_KEY))
      throw new LxcriError(
        "invalid-config",
        `linux.namespaces[${i}]: a ${ns.type} namespace joined by path: checkpoint and restore support only network and pid namespaces joined by path`,
      );
  });
}
