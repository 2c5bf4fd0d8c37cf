// The lxcri command line: runc-compatible, a thin shell over the Runtime API.
// Exit 0 on success, 1 on error with the message on stderr (and in --log).
// Output goes through console.log/error, never process.stdout/stderr: touching
// those sets O_NONBLOCK on the open file, which a container shares with us.
//
// argv → parse.ts (driven by table.ts) → the global flags checked
// (globals.ts) → the command's handler in commands/, imported on use.
// main.ts, the entry, answers --version before loading this file.
import { LxcriError } from "../errors.ts";
import { escapeText } from "../text/escape.ts";
import { applyGlobals, globals, log, needsUidMap } from "./globals.ts";
import { isCommand, parseArgv, toCall } from "./parse.ts";
import type { Call, CommandName } from "./table.ts";

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
  // read only when the default root depends on it
  const uidMap = needsUidMap(parsed.globals) ? (await import("../host/fs.ts")).tryReadText("/proc/self/uid_map") : undefined;
  applyGlobals(parsed.globals, uidMap);
  const call = toCall(parsed);
  const handler = (await HANDLERS[call.command]()).default as (call: Call) => Promise<void> | void;
  await handler(call);
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}

/**
 * The message for stderr and --log, on one line and escaped: a message can
 * carry what a container or an image wrote (a hook's output, init's report, a
 * file name from the rootfs in liblxc's log). A stack only with LXCRI_DEBUG,
 * for errors that are not lxcri's own.
 */
export async function reportError(e: unknown): Promise<void> {
  const message = escapeText(e instanceof Error ? e.message : String(e));
  if (globals.log) (await log()).error(message);
  console.error(`lxcri: ${message}`);
  if (!(e instanceof LxcriError) && process.env.LXCRI_DEBUG) console.error(e);
}

/** Runs a command line and exits with its status. */
export function main(argv: string[]): void {
  cli(argv).then(
    (code) => process.exit(code),
    async (e: unknown) => {
      await reportError(e);
      process.exit(1);
    },
  );
}
