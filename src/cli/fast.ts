// The fast path for the calls engines make most: `state <id>`, `start <id>`,
// `delete [--force] <id>`, `kill <id> [signal]`, and `create <id>` with only
// --bundle, --pid-file and the flags create ignores. Parsing these few fixed
// forms here skips loading citty and the command tree, about a third of such
// a call (docs/performance.md). Anything else — help, an unknown or odd flag,
// a missing or extra argument — returns undefined and goes through citty,
// which owns the full syntax and its error messages.

const GLOBAL_VALUE = new Set(["root", "log", "log-format", "hook-timeout", "rootless"]);
const GLOBAL_BOOL = new Set(["debug", "systemd-cgroup"]);
const FORCE = new Set(["--force", "-f"]);

export interface FastCall {
  globals: Record<string, string | boolean>;
  command: "state" | "start" | "delete" | "kill" | "create";
  id: string;
  force: boolean;
  signal?: string;
  bundle?: string;
  pidFile?: string;
}

/** create's arguments: value flags --bundle/-b and --pid-file, the two it accepts and ignores, one id. */
function parseCreate(args: readonly string[], globals: FastCall["globals"]): FastCall | undefined {
  const values: Record<string, string> = {};
  const ids: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^(--bundle|-b|--pid-file)(?:=(.*))?$/s.exec(a);
    if (m) {
      const value = m[2] ?? args[++i];
      if (value === undefined || value === "") return undefined;
      values[m[1] === "--pid-file" ? "pidFile" : "bundle"] = value;
    } else if (a === "--no-pivot" || a === "--no-new-keyring") continue;
    else if (a.startsWith("-") || a === "") return undefined;
    else ids.push(a);
  }
  return ids.length === 1
    ? { globals, command: "create", id: ids[0]!, force: false, bundle: values.bundle ?? ".", pidFile: values.pidFile }
    : undefined;
}

export function parseFast(argv: readonly string[]): FastCall | undefined {
  const globals: Record<string, string | boolean> = {};
  let i = 0;
  for (; i < argv.length && argv[i]!.startsWith("-"); i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(argv[i]!);
    if (!m) return undefined;
    const [, name, inline] = m as unknown as [string, string, string | undefined];
    if (GLOBAL_BOOL.has(name) && inline === undefined) globals[name] = true;
    else if (GLOBAL_VALUE.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) return undefined;
      globals[name] = value;
    } else return undefined;
  }
  const command = argv[i++];
  const rest = argv.slice(i);
  if (command === "create") return parseCreate(rest, globals);
  const force = rest.some((a) => FORCE.has(a));
  const positional = rest.filter((a) => !FORCE.has(a));
  if (positional.some((a) => a.startsWith("-") || a === "")) return undefined;
  switch (command) {
    case "state":
    case "start":
      return rest.length === 1 ? { globals, command, id: rest[0]!, force: false } : undefined;
    case "delete":
      return positional.length === 1 ? { globals, command, id: positional[0]!, force } : undefined;
    case "kill":
      return !force && (positional.length === 1 || positional.length === 2)
        ? { globals, command, id: positional[0]!, force: false, signal: positional[1] }
        : undefined;
    default:
      return undefined;
  }
}

export async function runFast(call: FastCall): Promise<void> {
  const { applyGlobals, globals } = await import("./global-options.ts");
  applyGlobals({
    root: (call.globals.root as string | undefined) ?? globals.root,
    log: call.globals.log as string | undefined,
    "log-format": (call.globals["log-format"] as string | undefined) ?? "text",
    debug: !!call.globals.debug,
    "hook-timeout": call.globals["hook-timeout"] as string | undefined,
    "systemd-cgroup": !!call.globals["systemd-cgroup"],
  });
  switch (call.command) {
    case "state": {
      const { printState } = await import("./state-json.ts");
      printState(globals.root, call.id);
      return;
    }
  }
  const { runtime } = await import("./globals.ts");
  if (call.command === "create") await runtime().create(call.id, { bundle: call.bundle, pidFile: call.pidFile });
  else if (call.command === "start") await runtime().start(call.id);
  else if (call.command === "delete") await runtime().delete(call.id, { force: call.force });
  else await runtime().kill(call.id, call.signal);
}
