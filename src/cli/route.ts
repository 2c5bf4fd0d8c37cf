// Which hot call a command line is, read before any parser is loaded, so that
// main.ts can load that call's bundle alone (hot/, docs/performance.md "Issue
// 23, round 6"). Only the global flags may come before the command: each is
// stepped over in the forms runc's callers write (`--root /x`, `-root=/x`,
// `--debug`, `--debug=false`, `--no-debug`). Anything else before the command
// (help, a group of letters, an unknown flag, `--`) is not guessed at: the
// answer is undefined and cli.ts takes it. A guess is never trusted: the hot
// entry parses with the real parser and gives the line back to cli.ts if it
// finds another command. test/unit/cli-route.test.ts keeps these lists the
// table's (table.ts GLOBAL_FLAGS, which this file must not import: --version
// runs beside it).

export const HOT = ["start", "state", "kill", "delete", "create"] as const;
export type HotCall = (typeof HOT)[number];

/** The global flags that take a value, and the boolean ones. */
export const GLOBAL_VALUES = ["root", "log", "log-format", "hook-timeout", "rootless", "criu", "cgroup-manager"];
export const GLOBAL_BOOLEANS = ["debug", "systemd-cgroup"];

export function hotCall(argv: readonly string[]): HotCall | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.length < 2 || a[0] !== "-") return (HOT as readonly string[]).includes(a) ? (a as HotCall) : undefined;
    const eq = a.indexOf("=");
    const name = a.slice(a[1] === "-" ? 2 : 1, eq < 0 ? undefined : eq);
    if (GLOBAL_VALUES.includes(name)) {
      if (eq < 0) i++;
    } else if (!GLOBAL_BOOLEANS.includes(name) && !(eq < 0 && GLOBAL_BOOLEANS.includes(name.slice(3)) && name.startsWith("no-")))
      return undefined;
  }
  return undefined;
}
