// What every command line runs once it is parsed: the global flags checked, the
// call made, its handler run, and an error reported and exited with. Shared by
// cli.ts (every command) and the hot calls' entries (hot/: one handler each,
// bundled alone by scripts/hot-bundles.ts), so that both run the same code.
import { LxcriError } from "../errors.ts";
import { escapeText } from "../text/escape.ts";
import { applyGlobals, globals, log, needsUidMap } from "./globals.ts";
import { type Commands, type Parsed, parseArgvWith, toCallWith } from "./parser.ts";
import type { Call, CommandName } from "./table.ts";
import { HOT_COMMANDS } from "./table-hot.ts";

export type Handler<C extends CommandName = CommandName> = (call: Call<C>) => Promise<void> | void;

/**
 * Runs a command line parsed with `commands` (the whole table, or the hot part) with the handler
 * `handlerOf` gives for its command; resolves with the exit status.
 */
export async function runParsed(
  parsed: Parsed,
  commands: Commands,
  handlerOf: (command: CommandName) => Promise<Handler> | Handler,
): Promise<number> {
  // read only when the default root depends on it
  const uidMap = needsUidMap(parsed.globals) ? (await import("../host/fs.ts")).tryReadText("/proc/self/uid_map") : undefined;
  applyGlobals(parsed.globals, uidMap);
  const call = toCallWith(parsed, commands);
  const handler = await handlerOf(call.command);
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

/** Exits with the status `run` resolves with, or reports its error and exits 1. */
export function exitWith(run: Promise<number>): void {
  run.then(
    (code) => process.exit(code),
    async (e: unknown) => {
      await reportError(e);
      process.exit(1);
    },
  );
}

/**
 * A hot call's entry (hot/): runs `argv` if the parser finds a plain call of
 * `command` (no help asked) and returns true; returns false, having done
 * nothing (no global applied, nothing printed), for anything else — another
 * command, help, a command line the parser refuses — which main.ts then hands
 * to cli.ts untouched (it parses again, and reports a refusal as ever). It parses with the hot
 * commands alone (table-hot.ts): the call's bundle holds no other command's flags, and any other
 * command word is no command here, so it is given back too.
 */
export function runOnly<C extends CommandName>(argv: string[], command: C, handler: Handler<C>): boolean {
  let parsed: Parsed;
  try {
    parsed = parseArgvWith(argv, HOT_COMMANDS);
  } catch {
    return false;
  }
  if (parsed.command !== command || parsed.help || parsed.version) return false;
  exitWith(runParsed(parsed, HOT_COMMANDS, () => handler as Handler));
  return true;
}
