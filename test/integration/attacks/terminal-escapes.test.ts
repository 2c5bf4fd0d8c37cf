// An image writes raw terminal escape sequences into the
// operator's terminal. A startContainer hook (a program of the image) that
// fails had the tail of its stderr printed by `lxcri start` byte for byte:
// OSC 0 set the window title, CSI 2J cleared the screen, a green "all good"
// and a line of its own passed for lxcri's. The same holds for every hook a
// config names (prestart at create, poststop at delete: the config author's
// programs) and for what `lxcri hooks` and `--log` show. Nothing of it may
// reach a terminal raw: no ESC, BEL, CR or C1 control, the message on one
// line, and the bytes shown escaped ("\x1b", "\u009b", "\xff").
//
// runc 1.1.5 prints nothing of a hook's output.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { canRunContainers, LXCRI, testRoot } from "../../helpers.ts";
import { bundle, cleanupAttackRoot, plant, removeScratch, runtime, tempDir } from "./attack-helpers.ts";

const root = testRoot("attack-escapes");
afterAll(() => {
  cleanupAttackRoot(root);
  removeScratch();
}, 60_000);

// Window title, clear screen, a green "all good", a C1 CSI (UTF-8 c2 9b), a byte that is not UTF-8, a fake line.
const PAYLOAD = String.raw`\033]0;pwned\007\033[2J\033[32mall good\033[0m\302\23331m\377\nlxcri: container started\n`;
const failing = `printf '${PAYLOAD}' >&2; exit 1`;
// What it must show as instead (the fake line joined to the rest by a visible "\n").
const SHOWN = String.raw`\x1b]0;pwned\x07\x1b[2J\x1b[32mall good\x1b[0m\u009b31m\xff\nlxcri: container started`;

/** What a terminal acts on: C0 but the line ends, DEL, C1. */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
/** A string for the test's own output (JSON.stringify leaves C1 raw). */
const quoted = (s: string) => JSON.stringify(s).replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const controls = (s: string) => [...s].filter((c) => CONTROL.test(c)).map((c) => `U+${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

describe.skipIf(!canRunContainers)("attack: terminal escapes from hooks", () => {
  test("a failing startContainer hook of the image: start's error, --log, `lxcri hooks` (text and JSON) show it escaped", () => {
    const lx = runtime(LXCRI, root);
    // The hook's name, chosen by the image and the config, carries escapes too.
    const hookPath = "/hook\x1b]0;pwned\x07\u009b";
    const b = bundle(["sleep", "30"], (s) => {
      s.hooks = { startContainer: [{ path: hookPath }] };
    });
    plant(b, hookPath, { text: `#!/bin/sh\n${failing}\n` });
    const log = join(tempDir("esclog"), "lxcri.log");
    expect(lx(["create", "--bundle", b, "escstart"]).code).toBe(0);
    const r = lx(["--log", log, "start", "escstart"], { timeoutMs: 20_000 });
    const hooksText = lx(["hooks", "escstart"]);
    const hooksJson = lx(["hooks", "escstart", "--format", "json"]);
    lx(["delete", "--force", "escstart"]);
    console.log(`start: exit ${r.code}, stderr ${quoted(r.stderr)}`);

    const logText = readFileSync(log, "utf8");
    // Every place at once: what reached the terminal (or the log) raw.
    expect({
      start: controls(r.stderr),
      log: controls(logText),
      hooks: controls(hooksText.stdout),
      hooksJson: controls(hooksJson.stdout),
    }).toEqual({ start: [], log: [], hooks: [], hooksJson: [] });

    expect(r.code).not.toBe(0);
    expect(r.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^lxcri: /)]);
    expect(r.stderr).toContain(SHOWN);
    expect(r.stderr).toContain(String.raw`/hook\x1b]0;pwned\x07\u009b`);
    expect(logText).toContain(SHOWN.replaceAll("\\", "\\\\")); // in a JSON string

    expect(hooksText.code).toBe(0);
    expect(hooksText.stdout).toContain(String.raw`/hook\x1b]0;pwned\x07\u009b`);
    expect(hooksJson.code).toBe(0);
    const { trace } = JSON.parse(hooksJson.stdout);
    expect(trace.map((t: { type: string }) => t.type)).toEqual(["startContainer"]);
    expect(trace[0].stderrTail).toContain(String.raw`\x1b]0;pwned\x07\x1b[2J\x1b[32mall good\x1b[0m\u009b31m\xff`);
  }, 40_000);

  test("a failing prestart hook at create: the error shows it escaped, on one line", () => {
    const lx = runtime(LXCRI, root);
    const b = bundle(["true"], (s) => {
      s.hooks = { prestart: [{ path: "/bin/sh", args: ["sh", "-c", failing] }] };
    });
    const r = lx(["create", "--bundle", b, "escprestart"], { timeoutMs: 20_000 });
    lx(["delete", "--force", "escprestart"]);
    console.log(`create: exit ${r.code}, stderr ${quoted(r.stderr)}`);
    expect(r.code).not.toBe(0);
    expect(controls(r.stderr)).toEqual([]);
    expect(r.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^lxcri: /)]);
    expect(r.stderr).toContain(SHOWN);
  }, 30_000);

  test("a failing poststop hook at delete: the warning shows it escaped, on one line", () => {
    const lx = runtime(LXCRI, root);
    const b = bundle(["sleep", "30"], (s) => {
      s.hooks = { poststop: [{ path: "/bin/sh", args: ["sh", "-c", failing] }] };
    });
    expect(lx(["create", "--bundle", b, "escpoststop"]).code).toBe(0);
    const r = lx(["delete", "--force", "escpoststop"], { timeoutMs: 20_000 });
    console.log(`delete: exit ${r.code}, stderr ${quoted(r.stderr)}`);
    expect(controls(r.stderr)).toEqual([]);
    expect(r.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^lxcri: warn: /)]);
    expect(r.stderr).toContain(SHOWN);
  }, 30_000);
});
