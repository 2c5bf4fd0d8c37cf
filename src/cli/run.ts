// What every command line runs once it is parsed: the global flags checked, the
// call made, its handler run, and an error reported and exited with. Shared by
// cli.ts (every command) and the hot calls' entries (hot/: one handler each,
// bundled alone by scripts/hot-bundles.ts), so that both run the same code.
import { LxcriError } from "../errors.ts";
import { escapeText } from "../text/escape.ts";
import { applyGlobals, globals, log, needsUidMap } from "./globals.ts";
import { type Parsed, parseArgv, toCall } from "./parse.ts";
import type { Call, CommandName } from "./table.ts";

export type Handler<C extends CommandName = CommandName> = (call: Call<C>) => Promise<void> | void;

/** Runs a parsed command line with the handler `handlerOf` gives for its command; resolves with the exit status. */
export async function runParsed(parsed: Parsed, handlerOf: (command: CommandName) => Promise<Handler> | Handler): Promise<number> {
  // read only when the default root depends on it
  const uidMap = needsUidMap(parsed.globals) ? (await import("../host/fs.ts")).tryReadText("/proc/self/uid_map") : undefined;
  applyGlobals(parsed.globals, uidMap);
  const call = toCall(parsed);
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
 * to cli.ts untouched (it parses again, and reports a refusal as ever).
 */
export function runOnly<C extends CommandName>(argv: string[], command: C, handler: Handler<C>): boolean {
  let parsed: Parsed;
  try {
    parsed = parseArgv(argv);
  } catch {
    return false;
  }
  if (parsed.command !== command || parsed.help || parsed.version) return false;
  exitWith(runParsed(parsed, () => handler as Handler));
  return true;
}
