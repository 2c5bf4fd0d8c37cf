// The hooks layout and the hook runner, with real executables (no root needed).
import { describe, expect, test } from "bun:test";
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeHookRun } from "../../src/contract/frames.ts";
import { signalName } from "../../src/contract/signals.ts";
import { parseSignal, SIGNALS } from "../../src/host/signals.ts";
import { readHooks, writeHooks } from "../../src/hooks/layout.ts";
import { describeFailure, failed, runHook, runHooks } from "../../src/hooks/run.ts";
import type { State } from "../../src/spec/types.ts";

const dir = mkdtempSync(join(tmpdir(), "lxcri-hooks-unit-"));
const state: State = { ociVersion: "1.0.2", id: "h1", status: "creating", pid: 42, bundle: "/b", annotations: { a: "b" } };

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

describe("hooks layout", () => {
  test("round trip: path, argv (args[0] kept), env, timeout, order", () => {
    const hooksDir = join(dir, "layout");
    writeHooks(hooksDir, {
      prestart: [{ path: "/bin/a", args: ["first", "-x", "with space"], env: ["A=1", "B=two words"], timeout: 3 }, { path: "/bin/b" }],
      poststop: [{ path: "/bin/c", args: [] }],
    });
    expect(readFileSync(join(hooksDir, "prestart/0/cmdline"), "utf8")).toBe("first\0-x\0with space\0");
    expect(readFileSync(join(hooksDir, "prestart/0/environ"), "utf8")).toBe("A=1\0B=two words\0");
    const pre = readHooks(hooksDir, "prestart");
    expect(pre).toEqual([
      { type: "prestart", index: 0, path: "/bin/a", argv: ["first", "-x", "with space"], env: ["A=1", "B=two words"], timeout: 3 },
      { type: "prestart", index: 1, path: "/bin/b", argv: ["/bin/b"], env: undefined, timeout: undefined },
    ]);
    expect(readHooks(hooksDir, "poststop")[0]!.argv).toEqual([]);
    expect(readHooks(hooksDir, "createRuntime")).toEqual([]);
  });

  test("the tree, byte for byte: every directory and file, its mode and its bytes", () => {
    const hooksDir = join(dir, "tree");
    writeHooks(hooksDir, {
      prestart: [{ path: "/bin/a", args: ["a", "-x"], env: ["A=1"], timeout: 3 }, { path: "/bin/b" }],
      poststop: [{ path: "/bin/c", args: [] }],
    });
    const walk = (d: string, rel: string): string[] =>
      readdirSync(d, { withFileTypes: true })
        .sort((x, y) => (x.name < y.name ? -1 : 1))
        .flatMap((e) => {
          const p = join(d, e.name);
          const mode = (lstatSync(p).mode & 0o7777).toString(8);
          const r = `${rel}${e.name}`;
          return e.isDirectory() ? [`${r}/ ${mode}`, ...walk(p, `${r}/`)] : [`${r} ${mode} ${JSON.stringify(readFileSync(p, "utf8"))}`];
        });
    expect(walk(hooksDir, "")).toEqual([
      "poststop/ 700",
      "poststop/0/ 700",
      'poststop/0/cmdline 600 ""',
      'poststop/0/path 600 "/bin/c"',
      "prestart/ 700",
      "prestart/0/ 700",
      'prestart/0/cmdline 600 "a\\u0000-x\\u0000"',
      'prestart/0/environ 600 "A=1\\u0000"',
      'prestart/0/path 600 "/bin/a"',
      'prestart/0/timeout 600 "3"',
      "prestart/1/ 700",
      'prestart/1/cmdline 600 "/bin/b\\u0000"',
      'prestart/1/path 600 "/bin/b"',
    ]);
    expect(lstatSync(hooksDir).mode & 0o7777).toBe(0o700);
  });

  test("ten hooks keep numeric order", () => {
    const hooksDir = join(dir, "many");
    writeHooks(hooksDir, { poststart: Array.from({ length: 12 }, (_, i) => ({ path: `/bin/h${i}` })) });
    expect(readHooks(hooksDir, "poststart").map((h) => h.path)).toEqual(Array.from({ length: 12 }, (_, i) => `/bin/h${i}`));
  });
});

describe("hook runner", () => {
  const opts = { defaultTimeout: 5, cwd: dir };

  test("leaves nothing pending: a process that ran a hook exits at once (a library caller's)", () => {
    // the output tails' 100 ms wait for a child holding the pipes was a timer left pending
    const code = `import { runHook } from ${JSON.stringify(join(import.meta.dir, "../../src/hooks/run.ts"))};
      await runHook({ type: "poststop", index: 0, path: "/bin/true", argv: ["true"] }, ${JSON.stringify(state)}, { defaultTimeout: 5 });
      console.log(performance.timeOrigin + performance.now());`;
    const file = join(dir, "exits.ts");
    writeFileSync(file, code);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const p = Bun.spawnSync({ cmd: [process.execPath, file], stderr: "inherit" });
      times.push(Date.now() - Number(p.stdout.toString()));
    }
    // from the hook's record to the process's exit, as its parent sees it (the best of three: a loaded machine)
    expect(Math.min(...times)).toBeLessThan(60);
  });

  test("state on stdin, exact argv (argv[0] too) and exact env", async () => {
    const out = join(dir, "seen");
    const p = script("record", `cat > ${out}.stdin; echo "$0|$1|$2" > ${out}.argv; env > ${out}.env`);
    const r = await runHook({ type: "prestart", index: 0, path: p, argv: ["custom-argv0", "a b", "c"], env: ["ONLY=this"] }, state, opts);
    expect(failed(r)).toBe(false);
    expect(JSON.parse(readFileSync(`${out}.stdin`, "utf8"))).toEqual(state);
    // sh reports its own script name as $0; the argv[0] the hook got is checked below with /proc.
    expect(readFileSync(`${out}.argv`, "utf8").trim()).toBe(`${p}|a b|c`);
    const env = readFileSync(`${out}.env`, "utf8")
      .trim()
      .split("\n")
      .filter((l) => !/^(PWD|SHLVL|_)=/.test(l));
    expect(env).toEqual(["ONLY=this"]);
  });

  test("argv[0] reaches the process as given", async () => {
    const out = join(dir, "argv0");
    const r = await runHook(
      { type: "poststart", index: 0, path: "/bin/sh", argv: ["my-name", "-c", `tr '\\0' ' ' < /proc/$$/cmdline > ${out}`] },
      state,
      opts,
    );
    expect(failed(r)).toBe(false);
    expect(readFileSync(out, "utf8")).toStartWith("my-name -c ");
  });

  test("a hook without env gets the runner's environment; cwd is as given", async () => {
    const out = join(dir, "envcwd");
    const p = script("envcwd", `echo "$LXCRI_TEST_MARK $(pwd)" > ${out}`);
    process.env.LXCRI_TEST_MARK = "inherited";
    await runHook({ type: "poststop", index: 0, path: p, argv: [p] }, state, opts);
    expect(readFileSync(out, "utf8").trim()).toBe(`inherited ${dir}`);
  });

  test("a hook that never reads stdin is fine (EPIPE tolerated)", async () => {
    const big = { ...state, annotations: { pad: "x".repeat(1 << 20) } };
    const r = await runHook({ type: "prestart", index: 0, path: "/bin/true", argv: ["true"] }, big, opts);
    expect(failed(r)).toBe(false);
  });

  test("failure: exit status, stderr tail, and a message naming type, index and path", async () => {
    const p = script("fail", `echo "something broke" >&2; exit 3`);
    const r = await runHook({ type: "createRuntime", index: 1, path: p, argv: [p] }, state, opts);
    expect(r.exitCode).toBe(3);
    expect(r.stderrTail).toContain("something broke");
    expect(describeFailure(r)).toBe(`createRuntime hook 1 (${p}) exited with status 3: something broke`);
  });

  test("a path that does not exist fails cleanly", async () => {
    const r = await runHook({ type: "prestart", index: 0, path: "/nonexistent/hook", argv: ["x"] }, state, opts);
    expect(failed(r)).toBe(true);
    expect(describeFailure(r)).toContain("prestart hook 0 (/nonexistent/hook) cannot execute: ENOENT");
  });

  test("timeout: a hook that ignores SIGTERM and whose child holds stdout ends within timeout + grace", async () => {
    const p = script("stubborn", `trap '' TERM; (sleep 30; echo late) & sleep 30`);
    const t0 = Date.now();
    const r = await runHook({ type: "prestart", index: 0, path: p, argv: [p], timeout: 1 }, state, opts);
    const took = Date.now() - t0;
    expect(r.timedOut).toBe(true);
    expect(describeFailure(r)).toContain("timed out after 1 s");
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(4000);
  });

  test("100 MB of output is drained and only its tail kept", async () => {
    const r = await runHook(
      { type: "poststart", index: 0, path: "/bin/sh", argv: ["sh", "-c", "head -c 104857600 /dev/zero; echo END >&2"] },
      state,
      opts,
    );
    expect(failed(r)).toBe(false);
    expect(r.stdoutTail).toBe("\\x00".repeat(4096)); // its last 4096 bytes, escaped
    expect(r.stderrTail).toBe("END\n");
  });

  test("a hook's output is kept escaped (lines kept, invalid UTF-8 as \\xNN), and its failure is one escaped line", async () => {
    const p = script(
      "escapes",
      `printf 'first\\n\\033]0;pwned\\007\\033[2J\\033[32mall good\\033[0m\\302\\233\\377 caf\\303\\251\\n' >&2; exit 1`,
    );
    const r = await runHook({ type: "prestart", index: 0, path: p, argv: [p] }, state, opts);
    expect(r.stderrTail).toBe("first\n\\x1b]0;pwned\\x07\\x1b[2J\\x1b[32mall good\\x1b[0m\\u009b\\xff café\n");
    expect(describeFailure(r)).toBe(
      `prestart hook 0 (${p}) exited with status 1: first\\n\\x1b]0;pwned\\x07\\x1b[2J\\x1b[32mall good\\x1b[0m\\u009b\\xff café`,
    );
    expect(describeFailure({ ...r, path: "/x\n\x1b[2Jfake", error: "\u009b" })).toBe(
      "prestart hook 0 (/x\\n\\x1b[2Jfake) \\u009b: first\\n\\x1b]0;pwned\\x07\\x1b[2J\\x1b[32mall good\\x1b[0m\\u009b\\xff café",
    );
  });

  test("a tail is the last 4096 bytes, however the output is cut", async () => {
    // 5000 × "é" (2 bytes): the tail starts in the middle of one, shown as its byte
    const r = await runHook(
      {
        type: "poststop",
        index: 0,
        path: "/bin/sh",
        argv: ["sh", "-c", "i=0; while [ $i -lt 5000 ]; do printf '\\303\\251'; i=$((i+1)); done >&2"],
      },
      state,
      opts,
    );
    expect(r.stderrTail).toBe("é".repeat(2048));
    const odd = await runHook(
      {
        type: "poststop",
        index: 0,
        path: "/bin/sh",
        argv: ["sh", "-c", "printf x >&2; i=0; while [ $i -lt 5000 ]; do printf '\\303\\251'; i=$((i+1)); done >&2; printf y >&2"],
      },
      state,
      opts,
    );
    expect(odd.stderrTail).toBe(`\\xa9${"é".repeat(2047)}y`);
  });

  test("the default timeout applies to hooks without one", async () => {
    const r = await runHook({ type: "poststop", index: 0, path: "/bin/sleep", argv: ["sleep", "10"] }, state, {
      ...opts,
      defaultTimeout: 1,
    });
    expect(r.timedOut).toBe(true);
  });

  test("runHooks stops at the first failure, keepGoing runs the rest", async () => {
    const out = join(dir, "order");
    writeFileSync(out, "");
    const hooks = [
      { type: "poststop" as const, index: 0, path: "/bin/sh", argv: ["sh", "-c", `echo 0 >> ${out}; exit 1`] },
      { type: "poststop" as const, index: 1, path: "/bin/sh", argv: ["sh", "-c", `echo 1 >> ${out}`] },
    ];
    const stop = await runHooks(hooks, state, opts);
    expect(stop.records.length).toBe(1);
    expect(stop.failure?.index).toBe(0);
    const go = await runHooks(hooks, state, { ...opts, keepGoing: true });
    expect(go.records.length).toBe(2);
    expect(readFileSync(out, "utf8")).toBe("0\n0\n1\n");
  });
});

describe("a record's signal", () => {
  test("names 1-31 as the host's signal table does (one name per number, aliases aside)", () => {
    const byNumber = new Map<number, string>();
    for (const [name, n] of Object.entries(SIGNALS)) if (!byNumber.has(n)) byNumber.set(n, name);
    for (let n = 1; n <= 31; n++) expect({ n, name: signalName(n) }).toEqual({ n, name: byNumber.get(n)! });
  });

  test("names real-time signals as kill takes them", () => {
    expect([34, 40, 64].map(signalName)).toEqual(["SIGRTMIN", "SIGRTMIN+6", "SIGRTMIN+30"]);
    for (const name of ["SIGRTMIN", "SIGRTMIN+6", "SIGRTMIN+30"]) expect(signalName(parseSignal(name))).toBe(name);
    expect([0, 32, 65].map(signalName)).toEqual(["signal 0", "signal 32", "signal 65"]);
  });

  test("is the same from the Bun runner and from init's HOOK frame", async () => {
    for (const n of [9, 15, 31, 40]) {
      const bun = await runHook({ type: "poststart", index: 0, path: "/bin/sh", argv: ["sh", "-c", `kill -${n} $$`] }, state, {
        defaultTimeout: 5,
        cwd: dir,
      });
      const frame = new Uint8Array(44);
      const v = new DataView(frame.buffer);
      v.setInt32(20, -1, true); // exit code: none
      v.setUint32(24, n, true); // the signal; the rest (index, times, timed out, empty strings) zero
      const init = decodeHookRun(frame, "startContainer", () => "/bin/sh");
      expect({ n, bun: bun.signal, exitCode: bun.exitCode }).toEqual({ n, bun: init.signal, exitCode: init.exitCode });
    }
  });
});
