// The lxcri command line: runc-compatible, a thin shell over the Runtime API.
// Exit 0 on success, 1 on error with the message on stderr (and in --log).
// Output goes through console.log/error, never process.stdout/stderr: touching
// those sets O_NONBLOCK on the open file, which a container shares with us.
import { MOUNT_HOOK_COMMAND } from "../contract/layout.ts";
import { LxcriError } from "../errors.ts";
import { normalizeArgv } from "./argv.ts";
import { VERSION, versionText } from "./version.ts";

async function main(argv: string[]): Promise<number> {
  // The one executable is also the hook launcher liblxc runs at its mount hook.
  if (argv[0] === MOUNT_HOOK_COMMAND && argv.length === 2) {
    const { mountHook } = await import("../../launcher/mount-hook.ts");
    return mountHook(Number(argv[1]));
  }
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v" || argv[0] === "version")) {
    console.log(versionText());
    return 0;
  }
  const { parseFast, runFast } = await import("./fast.ts");
  const fast = parseFast(argv);
  if (fast) {
    await runFast(fast);
    return 0;
  }
  process.env.NO_COLOR = "1"; // plain messages: callers parse stderr and log files
  const { runCommand, showUsage } = await import("citty");
  const { rootCommand } = await import("./root.ts");
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    await showUsage(rootCommand);
    return argv.length === 0 ? 1 : 0;
  }
  const sub = argv.find((a) => !a.startsWith("-"));
  if (argv.includes("--help") || argv.includes("-h")) {
    const { commands } = await import("./root.ts");
    const cmd = sub && commands[sub as keyof typeof commands];
    if (cmd) {
      await showUsage((await cmd()) as never, rootCommand as never);
      return 0;
    }
  }
  await runCommand(rootCommand, { rawArgs: argv });
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}

const argv = process.argv.slice(2);
main(argv[0] === MOUNT_HOOK_COMMAND ? argv : normalizeArgv(argv)).then(
  (code) => process.exit(code),
  async (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    const { log } = await import("./globals.ts");
    log().error(message);
    console.error(`lxcri: ${message}`);
    if (!(e instanceof LxcriError) && !(e instanceof Error && e.name === "CLIError") && process.env.LXCRI_DEBUG) console.error(e);
    process.exit(1);
  },
);

export { VERSION };
