// The library as Bun users expect it: stdio like Bun.spawn, an
// AbortSignal that kills and cleans up, events as an async iterable, and a
// disposable container handle — on real containers.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ContainerEvent, Runtime } from "../../src/index.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("library-stdio");
afterAll(() => cleanupRoot(root));

describe.skipIf(!canRunContainers)("library stdio, signals, events, disposal", () => {
  const rt = new Runtime({ root });

  test("run: stdin from a string, stdout and stderr piped, the exit status; awaited alone it is the status as before", async () => {
    const p = rt.run("io1", {
      bundle: bundle(["sh", "-c", "echo out; echo err >&2; cat; exit 3"]),
      stdin: "in\n",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    expect({ out, err, code }).toEqual({ out: "out\nin\n", err: "err\n", code: 3 });
    expect(p.exitCode).toBe(3);
    expect(leftovers(root, "io1")).toEqual([]);
    expect(await rt.run("io2", { bundle: bundle(["sh", "-c", "exit 5"]) })).toBe(5);
  });

  test("run: stdin from a Blob, a Response and a ReadableStream; stdout to a file descriptor; stdin ignored reads EOF", async () => {
    const b = bundle(["cat"]);
    for (const [i, stdin] of [new Blob(["blob"]), new Response("response"), new Response("stream").body!].entries()) {
      const p = rt.run(`io3-${i}`, { bundle: b, stdin, stdout: "pipe" });
      expect(await new Response(p.stdout).text()).toBe(["blob", "response", "stream"][i]!);
      expect(await p).toBe(0);
    }
    const file = join(tempDir("io"), "out");
    const fd = openSync(file, "w");
    try {
      expect(await rt.run("io4", { bundle: bundle(["sh", "-c", "echo to-file"]), stdout: fd })).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, "utf8")).toBe("to-file\n");
    const p = rt.run("io5", { bundle: b, stdin: "ignore", stdout: "pipe" });
    expect(await new Response(p.stdout).text()).toBe("");
    expect(await p.exited).toBe(0);
  });

  test("concurrent runs each get their own exit status (the subreaper stays on while any create is under way)", async () => {
    const b = bundle(["sh", "-c", "read n; echo $n; exit $n"]);
    const runs = Array.from({ length: 8 }, (_, n) => rt.run(`cc${n}`, { bundle: b, stdin: `${n + 1}\n`, stdout: "pipe" }));
    const got = await Promise.all(runs.map(async (p) => [(await new Response(p.stdout).text()).trim(), await p.exited]));
    expect(got).toEqual(Array.from({ length: 8 }, (_, n) => [String(n + 1), n + 1]));
  });

  test("exec: a piped stdin is a sink whose end() the process reads as EOF; kill gives 128+n", async () => {
    await rt.create("io6", { bundle: bundle(["sleep", "30"]) });
    await rt.start("io6");
    const base = rt.spec("io6").process;
    const p = await rt.exec("io6", {
      process: { ...base, args: ["sh", "-c", "read x; echo got $x; echo E >&2; cat"] },
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    p.stdin.write("abc\n");
    p.stdin.write("rest");
    await p.stdin.end();
    expect(await new Response(p.stdout).text()).toBe("got abc\nrest");
    expect(await new Response(p.stderr).text()).toBe("E\n");
    expect(await p.exited).toBe(0);
    expect(await p.wait()).toBe(0); // the deprecated wait() is exited

    const k = await rt.exec("io6", { process: { ...base, args: ["sleep", "30"] } });
    k.kill("SIGTERM");
    expect(await k.exited).toBe(128 + 15);
    await rt.delete("io6", { force: true });
    expect(leftovers(root, "io6")).toEqual([]);
  });

  test("exec with process.terminal: the pty is one duplex stream", async () => {
    await rt.create("tty1", { bundle: bundle(["sleep", "30"]) });
    await rt.start("tty1");
    const p = await rt.exec("tty1", {
      process: { ...rt.spec("tty1").process, terminal: true, args: ["sh", "-c", "tty; read x; echo got $x"] },
    });
    try {
      const r = p.terminal!.readable.getReader();
      const decoder = new TextDecoder();
      let out = "";
      while (!out.includes("\n")) out += decoder.decode((await r.read()).value);
      expect(out).toBe("/dev/pts/0\r\n");
      const w = p.terminal!.writable.getWriter();
      await w.write("typed\n");
      for (let chunk = await r.read(); !chunk.done; chunk = await r.read()) out += decoder.decode(chunk.value);
      expect(out).toBe("/dev/pts/0\r\ntyped\r\ngot typed\r\n"); // the pty echoes what is typed
      expect(await p.exited).toBe(0);
    } finally {
      p.kill("SIGKILL");
      await p.exited;
    }
    await rt.delete("tty1", { force: true });
    expect(leftovers(root, "tty1")).toEqual([]);
  });

  test("run with process.terminal: the pty once created; `lxcri run` joins it to its own stdio", async () => {
    const b = bundle(["sh", "-c", "echo ready; read x; echo got $x; exit 2"], (s) => {
      s.process.terminal = true;
    });
    const p = rt.run("tty2", { bundle: b });
    const t = (await p.terminal)!;
    const r = t.readable.getReader();
    const decoder = new TextDecoder();
    let out = "";
    while (!out.includes("\n")) out += decoder.decode((await r.read()).value);
    await t.writable.getWriter().write("typed\n");
    for (let chunk = await r.read(); !chunk.done; chunk = await r.read()) out += decoder.decode(chunk.value);
    expect(out).toBe("ready\r\ntyped\r\ngot typed\r\n");
    expect(await p).toBe(2);
    expect(leftovers(root, "tty2")).toEqual([]);
    const cli = Bun.spawnSync({
      cmd: [join(import.meta.dir, "../../build/lxcri"), "--root", root, "run", "--bundle", b, "tty3"],
      stdin: new Blob(["cli\n"]),
    });
    // the echo of "cli" may come before or after "ready"
    expect(cli.stdout.toString().split("\r\n").sort()).toEqual(["", "cli", "got cli", "ready"]);
    expect(cli.exitCode).toBe(2);
    expect(leftovers(root, "tty3")).toEqual([]);
  });

  test("backpressure: a container writing 1 GiB to a pipe the script reads slowly keeps host memory bounded", async () => {
    const p = rt.run("bp1", { bundle: bundle(["dd", "if=/dev/zero", "bs=1048576", "count=1024"]), stdout: "pipe", stderr: "ignore" });
    Bun.gc(true);
    const before = process.memoryUsage().rss;
    let peak = before;
    const reader = p.stdout.getReader();
    await Bun.sleep(1000); // not read at all for a second: the container waits on the full pipe
    peak = Math.max(peak, process.memoryUsage().rss);
    let total = 0;
    for (let i = 0; ; i++) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (i % 256 === 0) {
        await Bun.sleep(2); // slowly
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    }
    expect(total).toBe(1024 * 1048576);
    expect(await p.exited).toBe(0);
    // a Bun that buffered the output would hold the GiB; the pipe's 64 KiB and Bun's reads are all there is
    expect(peak - before).toBeLessThan(96 * 1048576);
  }, 120_000);

  test("signal: AbortSignal.timeout(500) on `sleep 30` ends within a second and leaves nothing (run and exec)", async () => {
    const started = Date.now();
    const signal = AbortSignal.timeout(500);
    let abortedAt = 0;
    signal.addEventListener("abort", () => (abortedAt = Date.now()));
    const code = await rt.run("ab1", { bundle: bundle(["sleep", "30"]), signal });
    expect(code).toBe(137);
    expect(abortedAt).toBeGreaterThan(0);
    expect(Date.now() - abortedAt).toBeLessThan(1000); // killed, reaped and deleted
    expect(Date.now() - started).toBeLessThan(1500); // create (on a loaded machine) included
    expect(leftovers(root, "ab1")).toEqual([]);

    await rt.create("ab2", { bundle: bundle(["sleep", "30"]) });
    await rt.start("ab2");
    const t = Date.now();
    const e = await rt.exec("ab2", { process: { ...rt.spec("ab2").process, args: ["sleep", "30"] }, signal: AbortSignal.timeout(500) });
    expect(await e.exited).toBe(137);
    expect(Date.now() - t).toBeLessThan(1000);
    expect(await rt.ps("ab2")).toHaveLength(1); // only init: the exec'd process is gone
    await rt.delete("ab2", { force: true });

    // aborted already: nothing is created
    const aborted = await rt.run("ab3", { bundle: bundle(["true"]), signal: AbortSignal.abort() }).catch((err: Error) => err.name);
    expect(aborted).toBe("AbortError");
    expect(leftovers(root, "ab3")).toEqual([]);
  });

  test("events: hook runs, stats every interval, then exit as the last; the CLI's events prints the same stream", async () => {
    const b = bundle(["sleep", "1"], (s) => {
      s.hooks = { createRuntime: [{ path: "/bin/true" }] };
    });
    await rt.create("ev1", { bundle: b });
    await rt.start("ev1");
    const seen: ContainerEvent[] = [];
    for await (const e of rt.events("ev1", { interval: 200 })) seen.push(e);
    const types = seen.map((e) => e.type);
    expect(types[0]).toBe("hook");
    expect(types.at(-1)).toBe("exit");
    expect(types.filter((t) => t === "stats").length).toBeGreaterThanOrEqual(3);
    const stats = seen.find((e) => e.type === "stats");
    expect(stats?.type === "stats" && stats.data.pids.current).toBeGreaterThanOrEqual(1);
    await rt.delete("ev1");

    await rt.create("ev2", { bundle: b });
    await rt.start("ev2");
    const cli = lxcri(root, ["events", "--interval", "200ms", "ev2"]);
    const lines = cli.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as ContainerEvent);
    expect(lines[0]).toMatchObject({ type: "hook", id: "ev2", data: { type: "createRuntime" } });
    expect(lines.at(-1)).toEqual({ type: "exit", id: "ev2" });
    expect(lines.some((l) => l.type === "stats")).toBe(true);
    await rt.delete("ev2");
  });

  test("events: an OOM kill is an event", async () => {
    const b = bundle(["sh", "-c", "sleep 0.5; tail /dev/zero; sleep 2"], (s) => {
      s.linux!.resources = { memory: { limit: 16 * 1048576, swap: 16 * 1048576 } };
    });
    await rt.create("oom1", { bundle: b });
    await rt.start("oom1");
    const types: string[] = [];
    for await (const e of rt.events("oom1", { interval: 1000 })) types.push(e.type);
    expect(types).toContain("oom");
    await rt.delete("oom1");
  });

  test("await using: the container is deleted at the end of the block, on error too", async () => {
    const b = bundle(["sleep", "30"]);
    const fails = async () => {
      await rt.create("du1", { bundle: b });
      await using c = rt.container("du1");
      await c.start();
      expect((await c.state()).status).toBe("running");
      throw new Error("boom");
    };
    expect(fails()).rejects.toThrow("boom");
    await Bun.sleep(0);
    for (let i = 0; i < 100 && leftovers(root, "du1").length; i++) await Bun.sleep(20);
    expect(leftovers(root, "du1")).toEqual([]);
    {
      await rt.create("du2", { bundle: b });
      await using c = rt.container("du2");
      await c.delete({ force: true }); // deleted already: disposal is no error
    }
    expect(leftovers(root, "du2")).toEqual([]);
  });
});
