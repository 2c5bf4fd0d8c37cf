// The Runtime's options that the CLI takes as global flags: the default state
// root, the root's check and the hook timeout's check, written once for both.
// It imports only errors.ts, so the CLI's quickest calls (`state`) can use it.
import type { Context } from "./context.ts";
import { LxcriError } from "./errors.ts";
import type { Logger } from "./log.ts";
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

/** Built-in default for hooks without a timeout; OCI_HOOK_TIMEOUT / --hook-timeout override it. */
export const DEFAULT_HOOK_TIMEOUT = 60;

/** The settings every operation gets, for a checked root: what a Runtime holds, and what the CLI's hot calls build without one. */
export function contextOf(
  root: string,
  log: Logger,
  opts: { hookTimeout?: number; lxcLogLevel?: string; systemdCgroup?: boolean; rootless?: boolean },
): Context {
  const env = process.env.OCI_HOOK_TIMEOUT;
  return {
    root,
    log,
    hookTimeout: opts.hookTimeout ?? (env ? parseHookTimeout(env, "OCI_HOOK_TIMEOUT") : DEFAULT_HOOK_TIMEOUT),
    lxcLogLevel: opts.lxcLogLevel ?? "warn",
    systemdCgroup: opts.systemdCgroup,
    rootless: opts.rootless,
  };
}
