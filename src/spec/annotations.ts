// The config annotations lxcri acts on: each changes what the runtime does
// on the host, so `features` lists them under potentiallyUnsafeConfigAnnotations
// (a caller that passes annotations from a less trusted party filters these).
// A name ending in "." stands for every annotation with that prefix.
import { configError } from "../errors.ts";
import type { Spec } from "./types.ts";

/** crun's: a host file each hook's stdout (stderr) is appended to (src/hooks/output.ts). */
export const HOOKS_STDOUT = "run.oci.hooks.stdout";
export const HOOKS_STDERR = "run.oci.hooks.stderr";

export const POTENTIALLY_UNSAFE_ANNOTATIONS: string[] = [HOOKS_STDOUT, HOOKS_STDERR];

/**
 * The hook output annotations: an absolute path (every hook point runs in
 * another process, from another directory), and no startContainer hooks with
 * them — those run inside the container, where a host file's fd is not given.
 */
export function annotationRules(spec: Spec): void {
  for (const key of [HOOKS_STDOUT, HOOKS_STDERR]) {
    const path = spec.annotations?.[key];
    if (path === undefined) continue;
    const at = `annotations[${JSON.stringify(key)}]`;
    if (!path.startsWith("/") || path.includes("\0")) throw configError(at, `must be an absolute path, got ${JSON.stringify(path)}`);
    if (spec.hooks?.startContainer?.length)
      throw configError(
        at,
        "is not applied to startContainer hooks yet: they run in the container, and lxcri does not hand a host file's fd to the container",
      );
  }
}
