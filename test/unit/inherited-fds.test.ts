// The fds a container process gets besides stdio (src/host/inherited-fds.ts),
// as runc passes them: systemd's LISTEN_FDS when they are lxcri's, then
// --preserve-fds more, every one of them open in the caller. Each case runs
// in a fresh Bun process given exactly the fds the case names, as lxcri is.
import { describe, expect, test } from "bun:test";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";

const MODULE = join(import.meta.dir, "..", "..", "src", "host", "inherited-fds.ts");

interface Case {
  /** How many fds from 3 up the caller passes open. */
  passed: number;
  preserve: number;
  /** LISTEN_FDS, and whether LISTEN_PID names the process itself (else another pid). */
  listen?: { fds: number; ours: boolean };
}

/** inheritedFds(["A=1"], preserve) in a process started with `passed` fds open: its result, or its error's code and message. */
function call(c: Case): { env: string[]; highest: number } | { code: string; message: string } {
  const file = openSync("/dev/null", "r");
  try {
    const setEnv = c.listen
      ? `process.env.LISTEN_FDS = "${c.listen.fds}"; process.env.LISTEN_PID = ${c.listen.ours ? "String(process.pid)" : '"1"'};`
      : "";
    const script = `${setEnv}
      const { inheritedFds } = await import(${JSON.stringify(MODULE)});
      try { console.log(JSON.stringify(inheritedFds(["A=1"], ${c.preserve}))); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const env = { ...process.env };
    delete env.LISTEN_FDS;
    delete env.LISTEN_PID;
    const p = Bun.spawnSync({
      cmd: [process.execPath, "-e", script],
      env,
      stdio: ["ignore", "pipe", "pipe", ...Array(c.passed).fill(file)] as never,
    });
    if (p.exitCode !== 0) throw new Error(p.stderr.toString());
    return JSON.parse(p.stdout.toString());
  } finally {
    closeSync(file);
  }
}

describe("inheritedFds", () => {
  test("nothing to pass: the env as it is, stdio only", () => {
    expect(call({ passed: 0, preserve: 0 })).toEqual({ env: ["A=1"], highest: 2 });
    expect(call({ passed: 2, preserve: 0 })).toEqual({ env: ["A=1"], highest: 2 });
  });

  test("--preserve-fds N passes 3 … 2+N, each open in the caller", () => {
    expect(call({ passed: 2, preserve: 2 })).toEqual({ env: ["A=1"], highest: 4 });
  });

  test("one of them not passed: refused, naming the fd (the lowest gap holds Bun's own epoll)", () => {
    expect(call({ passed: 1, preserve: 2 })).toEqual({
      code: "invalid-argument",
      message:
        "fd 4 is to be passed to the container (LISTEN_FDS 0, --preserve-fds 2) but the caller did not pass it open (it is an epoll, as lxcri's own event loop's)",
    });
    expect(call({ passed: 0, preserve: 1 })).toMatchObject({ message: expect.stringMatching(/^fd 3 is to be passed/) });
  });

  test("LISTEN_FDS for lxcri's own pid go first, and the process is told they are its (LISTEN_PID=1)", () => {
    expect(call({ passed: 3, preserve: 1, listen: { fds: 2, ours: true } })).toEqual({
      env: ["A=1", "LISTEN_FDS=2", "LISTEN_PID=1"],
      highest: 5,
    });
    expect(call({ passed: 2, preserve: 1, listen: { fds: 2, ours: true } })).toMatchObject({
      message: expect.stringMatching(/^fd 5 is to be passed to the container \(LISTEN_FDS 2, --preserve-fds 1\)/),
    });
  });

  test("LISTEN_FDS meant for another process are not passed", () => {
    expect(call({ passed: 3, preserve: 1, listen: { fds: 2, ours: false } })).toEqual({ env: ["A=1"], highest: 3 });
  });

  test("a count that is not one, or more fds than init's parked ones leave room for, is refused before any fd is looked at", () => {
    for (const preserve of [-1, 1.5])
      expect(call({ passed: 0, preserve })).toEqual({
        code: "invalid-argument",
        message: `--preserve-fds: expected a count, got ${preserve}`,
      });
    expect(call({ passed: 0, preserve: 899 })).toEqual({
      code: "invalid-argument",
      message: "cannot pass 899 fds to a container (at most 898)",
    });
    expect(call({ passed: 0, preserve: 898 })).toMatchObject({ message: expect.stringMatching(/^fd 3 is to be passed/) });
  });
});
