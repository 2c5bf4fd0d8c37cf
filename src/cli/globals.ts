// The global flags' values, checked once for every command; the log they
// configure and the Runtime they configure. The log and the Runtime are
// imported when first asked for: `state` needs neither.
import { LxcriError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { checkRoot, parseHookTimeout } from "../options.ts";
import type { Runtime } from "../runtime.ts";
import type { Values } from "./parse.ts";
import { GLOBAL_FLAGS } from "./table.ts";

export interface Globals {
  root: string;
  log?: string;
  logFormat: "text" | "json";
  debug: boolean;
  hookTimeout?: number;
  systemdCgroup?: boolean;
  /** --criu: the criu checkpoint and restore run. */
  criu?: string;
}

export const globals: Globals = { root: GLOBAL_FLAGS.root.default, logFormat: "text", debug: false };

const text = (v: Values[string] | undefined) => (v === undefined ? undefined : String(v));

/** Checks and stores the global flags as parse.ts found them (unset ones take the table's defaults). */
export function applyGlobals(values: Values): void {
  logger = undefined;
  globals.root = checkRoot(text(values.root) ?? GLOBAL_FLAGS.root.default);
  globals.log = text(values.log) || undefined;
  const format = text(values["log-format"]) ?? GLOBAL_FLAGS["log-format"].default;
  if (format !== "text" && format !== "json")
    throw new LxcriError("invalid-argument", `--log-format: expected text or json, got ${JSON.stringify(format)}`);
  globals.logFormat = format;
  globals.debug = values.debug === true;
  globals.systemdCgroup = values["systemd-cgroup"] === true || cgroupManager(text(values["cgroup-manager"]));
  const rootless = text(values.rootless);
  if (rootless !== undefined && !["true", "false", "auto"].includes(rootless))
    throw new LxcriError("invalid-argument", `--rootless: expected true, false or auto, got ${JSON.stringify(rootless)}`);
  globals.criu = text(values.criu) || undefined;
  const timeout = text(values["hook-timeout"]);
  globals.hookTimeout = timeout === undefined ? undefined : parseHookTimeout(timeout, "--hook-timeout");
}

/** crun's --cgroup-manager: whether it asks for systemd's cgroupsPath form. */
function cgroupManager(v: string | undefined): boolean {
  if (v === undefined || v === "cgroupfs") return false;
  if (v === "systemd") return true;
  if (v === "disabled")
    throw new LxcriError(
      "invalid-argument",
      "--cgroup-manager=disabled: not supported: lxcri always runs a container in cgroups of its own",
    );
  throw new LxcriError("invalid-argument", `--cgroup-manager: expected cgroupfs, systemd or disabled, got ${JSON.stringify(v)}`);
}

let logger: Logger | undefined;
export async function log(): Promise<Logger> {
  const { createLogger } = await import("../log.ts");
  return (logger ??= createLogger({ file: globals.log, format: globals.logFormat, debug: globals.debug }));
}

export async function runtime(): Promise<Runtime> {
  const [{ Runtime }, logger] = await Promise.all([import("../runtime.ts"), log()]);
  return new Runtime({
    root: globals.root,
    log: logger,
    hookTimeout: globals.hookTimeout,
    lxcLogLevel: globals.debug ? "debug" : "warn",
    systemdCgroup: globals.systemdCgroup,
  });
}
