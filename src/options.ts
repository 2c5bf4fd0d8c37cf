// The Runtime's options that the CLI takes as global flags: the default state
// root, the root's check and the hook timeout's check, written once for both.
// It imports only errors.ts, so the CLI's quickest calls (`state`) can use it.
import { LxcriError } from "./errors.ts";
import { ROOT_STATE } from "./rootless.ts";

/** The state root without --root for root on the host (runc's is /run/runc); rootless: src/rootless.ts defaultRoot. */
export const DEFAULT_ROOT = ROOT_STATE;

/** An absolute path other than / (runc refuses the same). */
export function checkRoot(root: string): string {
  if (!root.startsWith("/") || root === "/")
    throw new LxcriError("invalid-argument", `--root must be an absolute path other than /, got ${JSON.stringify(root)}`);
  return root;
}

/** A hook timeout in whole seconds, from --hook-timeout or OCI_HOOK_TIMEOUT (`source` names which in the error). */
export function parseHookTimeout(value: string, source: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new LxcriError("invalid-argument", `${source}: expected a positive number of seconds, got ${JSON.stringify(value)}`);
  return n;
}
