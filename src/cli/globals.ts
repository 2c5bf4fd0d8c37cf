// The global flags' values, checked once for every command; the log they
// configure and the Runtime they configure. The log and the Runtime are
// imported when first asked for: `state` needs neither, and the hot calls
// (`start`, `kill`, `delete`) and `create` take only the Context (context()): they run the
// operation's module without loading the Runtime's (docs/performance.md).
import { LxcriError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Context } from "../context.ts";
import { checkRoot, contextOf, DEFAULT_ROOT, parseHookTimeout } from "../options.ts";
import { defaultRoot, inUserNamespace, parseRootless } from "../rootless.ts";
import type { Runtime } from "../runtime.ts";
import type { Values } from "./parser.ts";
import { GLOBAL_FLAGS } from "./table-hot.ts";

export interface Globals {
  root: string;
  log?: string;
  logFormat: "text" | "json";
  debug: boolean;
  hookTimeout?: number;
  systemdCgroup?: boolean;
  /** --criu: the criu checkpoint and restore run. */
  criu?: string;
  /** --rootless: true, false, undefined for auto. */
  rootless?: boolean;
}

export const globals: Globals = { root: DEFAULT_ROOT, logFormat: "text", debug: false };

const text = (v: Values[string] | undefined) => (v === undefined ? undefined : String(v));

/**
 * Checks and stores the global flags as parse.ts found them (unset ones take the table's
 * defaults; --root runc's rule, src/rootless.ts). `uidMap` is /proc/self/uid_map's text,
 * which the rule needs only for uid 0 with $XDG_RUNTIME_DIR set (see needsUidMap).
 */
export function applyGlobals(values: Values, uidMap?: string): void {
  logger = undefined;
  globals.root = checkRoot(text(values.root) ?? defaultRoot(process.env, process.geteuid?.() ?? 0, () => inUserNamespace(uidMap)));
  globals.log = text(values.log) || undefined;
  // one of the table's choices: parse.ts checked it
  globals.logFormat = (text(values["log-format"]) ?? GLOBAL_FLAGS["log-format"].default) as Globals["logFormat"];
  globals.debug = values.debug === true;
  globals.systemdCgroup = values["systemd-cgroup"] === true || cgroupManager(text(values["cgroup-manager"]));
  globals.rootless = parseRootless(text(values.rootless));
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

/** Whether applyGlobals needs /proc/self/uid_map: no --root, uid 0 and $XDG_RUNTIME_DIR set. */
export const needsUidMap = (values: Values): boolean =>
  values.root === undefined && !!process.env.XDG_RUNTIME_DIR && (process.geteuid?.() ?? 0) === 0;

let logger: Logger | undefined;
export async function log(): Promise<Logger> {
  const { createLogger } = await import("../log.ts");
  return (logger ??= createLogger({ file: globals.log, format: globals.logFormat, debug: globals.debug }));
}

/** What the global flags set, as the Runtime's options. */
const settings = () => ({
  hookTimeout: globals.hookTimeout,
  lxcLogLevel: globals.debug ? "debug" : "warn",
  systemdCgroup: globals.systemdCgroup,
  rootless: globals.rootless,
});

export async function runtime(): Promise<Runtime> {
  const [{ Runtime }, logger] = await Promise.all([import("../runtime.ts"), log()]);
  return new Runtime({ root: globals.root, log: logger, ...settings() });
}

/** The Context a Runtime made with the same flags would hold (globals.root is checked). */
export async function context(): Promise<Context> {
  return contextOf(globals.root, await log(), settings());
}
