// One hook semantics, two runners: a hook at prestart, createRuntime,
// createContainer, poststart or poststop is run by src/hooks/run.ts (Bun), a
// startContainer hook by ffi/native/hooks.c (init, inside the container). The
// same script runs through both, through the real CLI, and the records the
// trace keeps (`lxcri hooks --format json`) must agree field by field: exit
// code, signal, timeout flag, error, the escaped last 4096 bytes of each
// stream, index and path. Where a failed create leaves no trace, the message
// the CLI prints must agree instead (its hook type aside).
//
// The script runs as `/bin/sh -c …`: dash on the host, busybox sh in the
// container, so it keeps to what both shells do alike.
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HookRecord } from "../../src/contract/hooks.ts";
import type { Hook } from "../../src/spec/types.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("hooks-contract");
/** Hook files at one absolute path on the host and in every container's rootfs. */
const FILES = tempDir("hook-files");
afterAll(() => {
  cleanupRoot(root);
  rmSync(FILES, { recursive: true, force: true });
});
/** An executable file of the shell's that does not start with "#!". */
writeFileSync(join(FILES, "no-shebang"), "echo run by a shell\n", { mode: 0o755 });

const TAIL = 4096;

/** `n` numbered lines of 18 bytes each on `fd` (1 or 2), as the shell prints them; and as JS makes them. */
const lines = (tag: string, n: number, fd: number) =>
  `i=0; while [ $i -lt ${n} ]; do printf '${tag} %04d .......\\n' $i >&${fd}; i=$((i+1)); done`;
const linesText = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${tag} ${String(i).padStart(4, "0")} .......\n`).join("");

interface Scenario {
  script: string;
  timeout?: number;
  /** Instead of /bin/sh: a path that does not exist. */
  path?: string;
  /** Whether the hook counts as failed (it then stops the operation). */
  fails: boolean;
  /** What the record must hold, whichever runner made it. */
  expect: Partial<HookRecord>;
  /** Bounds on durationMs. */
  ms?: [number, number];
}

const SCENARIOS: Record<string, Scenario> = {
  "exit 0 with a line on each stream": {
    script: "echo to-stdout; echo to-stderr >&2",
    fails: false,
    expect: { exitCode: 0, signal: null, timedOut: false, stdoutTail: "to-stdout\n", stderrTail: "to-stderr\n" },
  },
  "exit 3": {
    script: "echo broken >&2; exit 3",
    fails: true,
    expect: { exitCode: 3, signal: null, timedOut: false, stdoutTail: "", stderrTail: "broken\n" },
  },
  "over 4096 bytes on each stream: the last 4096 are kept": {
    script: `${lines("out", 600, 1)}; ${lines("err", 700, 2)}`,
    fails: false,
    expect: {
      exitCode: 0,
      stdoutTail: linesText("out", 600).slice(-TAIL),
      stderrTail: linesText("err", 700).slice(-TAIL),
    },
  },
  "controls and invalid bytes are escaped, lines and tabs kept": {
    script: "printf 'a\\033[2Jb\\377c\\r\\td\\n'; printf '\\007\\000z' >&2",
    fails: false,
    expect: { exitCode: 0, stdoutTail: "a\\x1b[2Jb\\xffc\\r\td\n", stderrTail: "\\x07\\x00z" },
  },
  "killed by a signal": {
    script: "echo bye; kill -KILL $$",
    fails: true,
    expect: { exitCode: null, signal: "SIGKILL", timedOut: false, stdoutTail: "bye\n" },
  },
  "past its timeout: SIGTERM ends it": {
    script: "echo waiting; sleep 30",
    timeout: 1,
    fails: true,
    expect: { exitCode: null, signal: "SIGTERM", timedOut: true, error: "timed out after 1 s", stdoutTail: "waiting\n" },
    ms: [1000, 1900],
  },
  "past its timeout, ignoring SIGTERM: SIGKILL a second later": {
    script: "trap '' TERM; echo stubborn; sleep 30",
    timeout: 1,
    fails: true,
    expect: { exitCode: null, signal: "SIGKILL", timedOut: true, error: "timed out after 1 s", stdoutTail: "stubborn\n" },
    ms: [2000, 2900],
  },
  "a child holds the output open: the run ends with the hook, what the child writes later is not waited for": {
    script: "echo early; (sleep 2; echo late) & exit 0",
    fails: false,
    expect: { exitCode: 0, signal: null, timedOut: false, stdoutTail: "early\n", stderrTail: "" },
    ms: [0, 1000],
  },
  "a path that does not exist": {
    script: "",
    path: "/nonexistent/hook",
    fails: true,
    expect: { exitCode: 127, signal: null, timedOut: false, error: "cannot execute: ENOENT", stdoutTail: "", stderrTail: "" },
  },
  "a long path that does not exist: the error still says why": {
    script: "",
    path: `/nonexistent/${"d".repeat(200)}/hook`,
    fails: true,
    expect: { exitCode: 127, signal: null, timedOut: false, error: "cannot execute: ENOENT", stdoutTail: "", stderrTail: "" },
  },
  "a path that is not executable": {
    script: "",
    path: "/etc/passwd",
    fails: true,
    expect: { exitCode: 127, signal: null, timedOut: false, error: "cannot execute: EACCES", stdoutTail: "", stderrTail: "" },
  },
  "an executable without #!: execve's ENOEXEC, no shell fallback": {
    script: "",
    path: join(FILES, "no-shebang"),
    fails: true,
    expect: { exitCode: 127, signal: null, timedOut: false, error: "cannot execute: ENOEXEC", stdoutTail: "", stderrTail: "" },
  },
  "killed by a signal above 15 (SIGSYS, what a seccomp filter kills with)": {
    script: "kill -s SYS $$",
    fails: true,
    expect: { exitCode: null, signal: "SIGSYS", timedOut: false },
  },
  "killed by a real-time signal": {
    script: "kill -40 $$",
    fails: true,
    expect: { exitCode: null, signal: "SIGRTMIN+6", timedOut: false },
  },
};

const hookOf = (s: Scenario): Hook =>
  s.path ? { path: s.path, timeout: s.timeout } : { path: "/bin/sh", args: ["sh", "-c", s.script], timeout: s.timeout };

let n = 0;
/** Creates and starts a container with `hooks`; the CLI's results and the trace's records. */
function runWith(hooks: Record<string, Hook[]>, args = ["sleep", "30"], annotations?: Record<string, string>) {
  const id = `hc${process.pid}-${n++}`;
  const b = bundle(args, (s) => {
    s.hooks = hooks;
    if (annotations) s.annotations = annotations;
  });
  cpSync(FILES, join(b, "rootfs", FILES), { recursive: true });
  const create = lxcri(root, ["create", "--bundle", b, id]);
  const start = create.code === 0 ? lxcri(root, ["start", id]) : undefined;
  const shown = create.code === 0 ? lxcri(root, ["hooks", id, "--format", "json"]) : undefined;
  const trace: HookRecord[] = shown ? JSON.parse(shown.stdout).trace : [];
  if (create.code === 0) expect(lxcri(root, ["delete", "--force", id]).code).toBe(0);
  expect(leftovers(root, id)).toEqual([]);
  return { create, start, trace };
}

/** The fields that say how a run went (not when, nor at which point). */
function outcome(r: HookRecord | undefined) {
  if (!r) return r;
  const { type: _t, start: _s, durationMs: _d, ...rest } = r;
  return rest;
}

/** The failure line the CLI prints, its hook type taken out. */
const failureLine = (stderr: string, type: string) =>
  stderr
    .split("\n")
    .find((l) => l.includes(`${type} hook 0 `))
    ?.replace(`${type} hook`, "<type> hook");

describe.skipIf(!canRunContainers)("hooks: both runners keep the same record", () => {
  for (const [name, s] of Object.entries(SCENARIOS)) {
    test(name, () => {
      const hook = hookOf(s);
      // init's runner (startContainer) and Bun's (poststart): both leave a container whose trace can be read
      // a failed start stops the container and runs poststop, whose record the trace then still holds
      const native = runWith(s.fails ? { startContainer: [hook], poststop: [hook] } : { startContainer: [hook] });
      const bun = runWith(
        s.fails ? { poststart: [hook] } : { prestart: [hook], createRuntime: [hook], createContainer: [hook], poststart: [hook] },
      );
      expect(native.create.code).toBe(0);
      expect(bun.create.code).toBe(0);
      expect(native.start!.code).toBe(s.fails ? 1 : 0);
      expect(bun.start!.code).toBe(s.fails ? 1 : 0);
      const c = native.trace.find((r) => r.type === "startContainer");
      expect(c).toMatchObject(s.expect);
      for (const type of s.fails ? ["poststart", "poststop"] : ["prestart", "createRuntime", "createContainer", "poststart"]) {
        const r = [...bun.trace, ...native.trace].find((x) => x.type === type);
        expect(r).toMatchObject(s.expect);
        expect({ type, ...outcome(r) }).toEqual({ type, ...outcome(c) });
        if (s.ms) {
          expect(r!.durationMs).toBeGreaterThanOrEqual(s.ms[0]);
          expect(r!.durationMs).toBeLessThan(s.ms[1]);
        }
      }
      if (s.ms) {
        expect(c!.durationMs).toBeGreaterThanOrEqual(s.ms[0]);
        expect(c!.durationMs).toBeLessThan(s.ms[1]);
      }
      if (!s.fails) return;
      // a failure says the same, whichever runner saw it
      const said = failureLine(native.start!.stderr, "startContainer");
      expect(said).toBeDefined();
      expect(failureLine(bun.start!.stderr, "poststart")).toBe(said);
      // where a failed create leaves no trace, its message is what there is to compare
      for (const type of ["prestart", "createRuntime", "createContainer"]) {
        const early = runWith({ [type]: [hook] });
        expect(early.create.code).toBe(1);
        expect(failureLine(early.create.stderr, type)).toBe(said);
      }
    });
  }

  test("the state on stdin: the same document at every point, but for its status and pid", () => {
    const hook = hookOf({ script: "cat", fails: false, expect: {} });
    const all = { prestart: [hook], createRuntime: [hook], createContainer: [hook], startContainer: [hook], poststart: [hook] };
    const { trace } = runWith(all, ["sleep", "30"], { "org.test.note": "seen by hooks" });
    const seen = Object.fromEntries(trace.map((r) => [r.type, JSON.parse(r.stdoutTail)]));
    expect(Object.keys(seen).sort()).toEqual(Object.keys(all).sort());
    // the runtime's namespaces see the host's pid, the container's see 1
    const statusPid = {
      prestart: ["creating", "host"],
      createRuntime: ["creating", "host"],
      createContainer: ["creating", 1],
      startContainer: ["created", 1],
      poststart: ["running", "host"],
    };
    const hostPid = seen.prestart.pid;
    expect(hostPid).toBeGreaterThan(1);
    for (const [type, [status, pid]] of Object.entries(statusPid)) {
      expect({ type, status: seen[type].status, pid: seen[type].pid }).toEqual({ type, status, pid: pid === "host" ? hostPid : pid });
      expect({ type, ...seen[type], status: "", pid: 0 }).toEqual({ type, ...seen.prestart, status: "", pid: 0 });
    }
    expect(seen.prestart.annotations).toEqual({ "org.test.note": "seen by hooks" });
  });

  test("what a hook holds where the runtime runs it (Bun at prestart, createRuntime and poststart, C at createContainer): its stdio alone, no signal blocked or ignored, a session of its own", () => {
    // the shell's own fds through builtins (a command would list its own); grep and cut inherit its signals and session
    const script =
      "i=0; while [ $i -lt 1100 ]; do [ -e /proc/self/fd/$i ] && printf '%s ' $i; i=$((i+1)); done; echo; " +
      "grep -E '^Sig(Blk|Ign)' /proc/self/status; cut -d' ' -f5,6 /proc/self/stat";
    const hook = hookOf({ script, fails: false, expect: {} });
    const points = ["prestart", "createRuntime", "createContainer", "poststart"];
    const { start, trace } = runWith(Object.fromEntries(points.map((t) => [t, [hook]])));
    expect(start?.code).toBe(0);
    for (const type of points) {
      const [fds, blocked, ignored, ids] = trace
        .find((r) => r.type === type)!
        .stdoutTail.trim()
        .split("\n");
      const [group, session] = ids!.split(" ");
      expect({ type, fds, blocked, ignored, ownSession: group === session }).toEqual({
        type,
        fds: "0 1 2 ",
        blocked: "SigBlk:\t0000000000000000",
        ignored: "SigIgn:\t0000000000000000",
        ownSession: true,
      });
    }
  });

  test("a state larger than a pipe's buffer: read whole by one hook, left unread by the next without failing", () => {
    const reads = hookOf({ script: "tail -c 24", fails: false, expect: {} });
    const ignores = hookOf({ script: "exit 0", fails: false, expect: {} });
    const both = [reads, ignores];
    const all = { prestart: both, createRuntime: both, createContainer: both, startContainer: both, poststart: both };
    const { start, trace } = runWith(all, ["sleep", "30"], { "org.test.big": "x".repeat(200_000) });
    expect(start?.code).toBe(0);
    expect(trace.map((r) => [r.type, r.index, r.exitCode, r.signal, r.error, r.stdoutTail])).toEqual(
      Object.keys(all).flatMap((type) => [
        [type, 0, 0, null, undefined, `${"x".repeat(21)}"}}`],
        [type, 1, 0, null, undefined, ""],
      ]),
    );
  });
});
