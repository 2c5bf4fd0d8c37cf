// The router (src/cli/route.ts) reads argv before any parser is loaded, to pick
// a hot call's bundle; the bundle's entry (src/cli/run.ts runOnly) parses with
// the real parser and gives back anything that is not a plain call of its own.
// So: the router's flag lists are the table's, it never names a call the parser
// would not, and an entry that is given another command line does nothing.
import { expect, test } from "bun:test";
import { globals } from "../../src/cli/globals.ts";
import { parseArgv, toCall } from "../../src/cli/parse.ts";
import { isCommandOf, parseArgvWith, toCallWith } from "../../src/cli/parser.ts";
import { GLOBAL_BOOLEANS, GLOBAL_VALUES, HOT, hotCall } from "../../src/cli/route.ts";
import { runOnly } from "../../src/cli/run.ts";
import { COMMANDS, GLOBAL_FLAGS } from "../../src/cli/table.ts";
import { HOT_COMMANDS } from "../../src/cli/table-hot.ts";

/** A command line's words (the rows hold no quoted values). */
const argv = (line: string) => line.split(" ").filter((w) => w !== "");

test("the router's global flags are table.ts's: the value flags, the booleans, no alias", () => {
  const flags = Object.entries(GLOBAL_FLAGS) as [string, { type: string; alias?: string }][];
  const named = (type: string) =>
    flags
      .filter(([, f]) => f.type === type)
      .map(([k]) => k)
      .sort();
  expect(named("string")).toEqual([...GLOBAL_VALUES].sort());
  expect(named("boolean")).toEqual([...GLOBAL_BOOLEANS].sort());
  expect(flags.filter(([, f]) => f.alias !== undefined)).toEqual([]);
});

// command line → the call the router names (undefined: cli.ts takes it)
const ROWS: [string, string | undefined][] = [
  ["start c1", "start"],
  ["state c1", "state"],
  ["kill c1 KILL", "kill"],
  ["delete -f c1", "delete"],
  ["--root /run/x --log /tmp/l --log-format json start c1", "start"],
  ["--root=/run/x --log=/tmp/l --log-format=json kill c1 9", "kill"],
  ["-root /run/x -log-format json state c1", "state"],
  ["--systemd-cgroup --debug delete --force c1", "delete"],
  ["--debug=false --no-systemd-cgroup start c1", "start"],
  ["--criu /bin/criu --rootless false --hook-timeout 5 --cgroup-manager systemd kill --all c1 TERM", "kill"],
  ["--root start start c1", "start"],
  ["--log kill state c1", "state"],
  ["create --bundle /b c1", "create"],
  ["--systemd-cgroup create --bundle /b --pid-file /p c1", "create"],
  ["run --bundle /b c1", undefined],
  ["exec c1 true", undefined],
  ["list", undefined],
  ["--version", undefined],
  ["", undefined],
  ["-h start", undefined],
  ["--help", undefined],
  ["--bogus start c1", undefined],
  ["-- start c1", undefined],
  ["--no-root /x start c1", undefined],
  ["help start", undefined],
  ["s c1", undefined],
];

test("the router names the hot call of each command line, and never one the parser would not", () => {
  for (const [line, want] of ROWS) {
    const args = argv(line);
    expect([line, hotCall(args)]).toEqual([line, want as never]);
    if (want !== undefined) expect([line, parseArgv(args).command]).toEqual([line, want]);
  }
});

test("a hot entry gives back, untouched, what is not a plain call of its own command", () => {
  const before = { ...globals };
  let ran = 0;
  const handler = () => {
    ran++;
  };
  for (const call of HOT)
    for (const line of [
      `${call} --help c1`,
      `-h ${call} c1`,
      `${call} --bogus c1`,
      `--log-format=yaml ${call} c1`,
      "list",
      "run --bundle /b c1",
    ]) {
      const other = HOT.find((c) => c !== call)!;
      expect([line, runOnly(argv(line), call, handler)]).toEqual([line, false]);
      expect([line, runOnly(argv(`${other} c1`), call, handler)]).toEqual([line, false]);
    }
  expect(ran).toBe(0);
  expect({ ...globals }).toEqual(before);
});

// A hot entry parses with table-hot.ts's five commands, not the whole table (docs/performance.md, "Issue 23,
// round 7: the hot calls' shell"): for each of them it must find what the whole table's parse finds, and
// any other command must be no command to it (so runOnly gives it back).
test("the hot part of the table is the whole table's first five commands, the router's HOT, the same objects", () => {
  expect(Object.keys(HOT_COMMANDS).sort()).toEqual([...HOT].sort());
  expect(Object.keys(COMMANDS).slice(0, HOT.length)).toEqual(Object.keys(HOT_COMMANDS));
  for (const call of HOT) expect(COMMANDS[call]).toBe(HOT_COMMANDS[call] as never);
});

test("the hot parse finds what the whole table's parse finds for the hot commands, and no other command", () => {
  const globalForms = ["", "--root /run/x", "-root=/run/x --debug", "--log /tmp/l --log-format json", "--systemd-cgroup=false"];
  const lines = [
    ...ROWS.map(([line]) => line),
    "state c1 c2",
    "state",
    "kill c1 -9",
    "kill --all c1",
    "kill -a c1 TERM",
    "kill c1 --all",
    "delete --force=false c1",
    "delete -f=true c1",
    "delete --no-force c1",
    "delete c1 --root /y",
    "start --bundle /b c1",
    "state --format json c1",
    "create -b /b --pid-file /p --console-socket /s --preserve-fds 2 --no-pivot c1",
    "create --bundle=/b -- c1",
    "exec -t c1 sh",
    "ps --format json c1",
    "update --memory 1g c1",
    "checkpoint --image-path /i c1",
  ];
  const outcome = <T>(f: () => T): T | string => {
    try {
      return f();
    } catch (e) {
      return `threw ${(e as Error).message}`;
    }
  };
  for (const g of globalForms)
    for (const l of lines) {
      const args = argv(`${g} ${l}`);
      const whole = outcome(() => parseArgv(args));
      const hot = outcome(() => parseArgvWith(args, HOT_COMMANDS));
      const wholeCommand = typeof whole === "string" ? undefined : whole.command;
      if (wholeCommand !== undefined && !(HOT as readonly string[]).includes(wholeCommand)) {
        // another command: the hot parse may stop at its word (no command to it) or refuse a flag after
        // it; either way runOnly gives the line back
        expect([args, typeof hot === "string" || isCommandOf(hot.command, HOT_COMMANDS)]).toEqual([args, typeof hot === "string"]);
        continue;
      }
      expect([args, hot]).toEqual([args, whole]);
      if (typeof whole !== "string" && typeof hot !== "string")
        expect([args, outcome(() => toCallWith(hot, HOT_COMMANDS))]).toEqual([args, outcome(() => toCall(whole))]);
    }
});
