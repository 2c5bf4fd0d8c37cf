// The global flags' values and their checks, apart from globals.ts (which
// builds the Runtime): `state`'s fast path needs these and nothing heavier.
import { LxcriError } from "../errors.ts";

export interface Globals {
  root: string;
  log?: string;
  logFormat: "text" | "json";
  debug: boolean;
  hookTimeout?: number;
  systemdCgroup?: boolean;
}

export const globals: Globals = { root: "/run/lxcri", logFormat: "text", debug: false };

/** Checks and stores the global flags, as citty (root.ts) or the fast path (fast.ts) parsed them. */
export function applyGlobals(args: {
  root: string;
  log?: string;
  "log-format": string;
  debug?: boolean;
  "hook-timeout"?: string;
  "systemd-cgroup"?: boolean;
}): void {
  // The Runtime checks the root too; state's fast path does not build one.
  if (!args.root.startsWith("/") || args.root === "/")
    throw new LxcriError("invalid-argument", `--root must be an absolute path other than /, got ${JSON.stringify(args.root)}`);
  globals.root = args.root;
  globals.log = args.log || undefined;
  if (args["log-format"] !== "text" && args["log-format"] !== "json")
    throw new LxcriError("invalid-argument", `--log-format: expected text or json, got ${JSON.stringify(args["log-format"])}`);
  globals.logFormat = args["log-format"];
  globals.debug = !!args.debug;
  globals.systemdCgroup = !!args["systemd-cgroup"];
  if (args["hook-timeout"] !== undefined) {
    const n = Number(args["hook-timeout"]);
    if (!Number.isInteger(n) || n <= 0)
      throw new LxcriError(
        "invalid-argument",
        `--hook-timeout: expected a positive number of seconds, got ${JSON.stringify(args["hook-timeout"])}`,
      );
    globals.hookTimeout = n;
  }
}
