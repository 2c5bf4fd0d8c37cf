// Global flags (before the command), shared by every command.
import { createLogger, type Logger } from "../log.ts";
import { Runtime } from "../runtime.ts";
import { globals } from "./global-options.ts";

export const globalArgs = {
  root: { type: "string", description: "state directory", default: "/run/lxcri" },
  log: { type: "string", description: "log file (default: stderr)" },
  "log-format": { type: "string", description: "log format: text or json", default: "text" },
  debug: { type: "boolean", description: "debug logging (also liblxc's log level)" },
  "hook-timeout": { type: "string", description: "seconds for hooks without a timeout (default: $OCI_HOOK_TIMEOUT or 60)" },
  "systemd-cgroup": { type: "boolean", description: "cgroupsPath is slice:prefix:name (mapped to systemd's cgroupfs path)" },
  rootless: { type: "string", description: "accepted for compatibility (true|false|auto)" },
} as const;

export { applyGlobals, globals, type Globals } from "./global-options.ts";

let logger: Logger | undefined;
export function log(): Logger {
  return (logger ??= createLogger({ file: globals.log, format: globals.logFormat, debug: globals.debug }));
}

export function runtime(): Runtime {
  return new Runtime({
    root: globals.root,
    log: log(),
    hookTimeout: globals.hookTimeout,
    lxcLogLevel: globals.debug ? "debug" : "warn",
    systemdCgroup: globals.systemdCgroup,
  });
}
