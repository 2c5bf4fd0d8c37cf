// The lxcri command line: runc-compatible, a thin shell over the Runtime API.
// Exit 0 on success, 1 on error with the message on stderr (and in --log).
// Output goes through console.log/error, never process.stdout/stderr: touching
// those sets O_NONBLOCK on the open file, which a container shares with us.
//
// argv → parse.ts (parser.ts driven by table.ts) → the global flags checked
// (globals.ts) → the command's handler in commands/, imported on use.
// main.ts, the entry, answers --version before loading this file, and runs
// `start`, `state`, `kill`, `delete` and `create` through their own bundles (hot/)
// unless their parse finds something else; run.ts is what both share.
import { isCommand, parseArgv } from "./parse.ts";
import { exitWith, type Handler, runParsed } from "./run.ts";
import { versionText } from "./version.ts";
import { type Call, type CommandName, COMMANDS } from "./table.ts";

/** Each command's handler, imported when it runs. */
export const HANDLERS: { [C in CommandName]: () => Promise<{ default: (call: Call<C>) => Promise<void> | void }> } = {
  create: () => import("./commands/create.ts"),
  start: () => import("./commands/start.ts"),
  state: () => import("./commands/state.ts"),
  kill: () => import("./commands/kill.ts"),
  delete: () => import("./commands/delete.ts"),
  exec: () => import("./commands/exec.ts"),
  pause: () => import("./commands/pause.ts"),
  resume: () => import("./commands/resume.ts"),
  ps: () => import("./commands/ps.ts"),
  update: () => import("./commands/update.ts"),
  events: () => import("./commands/events.ts"),
  run: () => import("./commands/run.ts"),
  list: () => import("./commands/list.ts"),
  spec: () => import("./commands/spec.ts"),
  features: () => import("./commands/features.ts"),
  hooks: () => import("./commands/hooks.ts"),
  checkpoint: () => import("./commands/checkpoint.ts"),
  restore: () => import("./commands/restore.ts"),
};

/** Runs one command line (without the program name); resolves with the exit status. */
export async function cli(argv: string[]): Promise<number> {
  const parsed = parseArgv(argv);
  if (parsed.version) {
    console.log(versionText());
    return 0;
  }
  // `help` (or runc's `h`) alone, or `help COMMAND`
  const asked = parsed.command === "help" || parsed.command === "h" ? parsed.positionals[0] : undefined;
  if (isCommand(asked)) {
    const { printUsage } = await import("./usage.ts");
    await printUsage(asked);
    return 0;
  }
  if (argv.length === 0 || parsed.command === "help" || parsed.command === "h" || (parsed.help && parsed.command === undefined)) {
    const { printUsage } = await import("./usage.ts");
    await printUsage();
    return argv.length === 0 ? 1 : 0;
  }
  if (parsed.help && isCommand(parsed.command)) {
    const { printUsage } = await import("./usage.ts");
    await printUsage(parsed.command);
    return 0;
  }
  return runParsed(parsed, COMMANDS, async (command) => (await HANDLERS[command]()).default as Handler);
}

export { reportError } from "./run.ts";

/** Runs a command line and exits with its status. */
export function main(argv: string[]): void {
  exitWith(cli(argv));
}
