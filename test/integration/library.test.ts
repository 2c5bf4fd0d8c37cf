// lxcri as a library in a Bun script: the Runtime API on real containers,
// with typed results and typed errors.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, LxcriError, Runtime, type Spec } from "../../src/index.ts";
import { bundle, canRunContainers, cleanupRoot, leftovers, lxcri, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("library");
afterAll(() => cleanupRoot(root));

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LxcriError);
    return (e as LxcriError).code;
  }
  return undefined;
}

describe.skipIf(!canRunContainers)("Runtime (library, real containers)", () => {
  const rt = new Runtime({ root });

  test("create, state, start, kill, delete with typed states", async () => {
    const b = bundle(["sleep", "30"]);
    const created = await rt.create("lib1", { bundle: b });
    expect(created.status).toBe("created");
    expect(created.pid).toBeGreaterThan(0);
    const started = await rt.start("lib1");
    expect(started.status).toBe("running");
    expect((await rt.list()).map((s) => s.id)).toEqual(["lib1"]);
    await rt.kill("lib1", "SIGKILL");
    for (let i = 0; i < 200 && (await rt.state("lib1")).status !== "stopped"; i++) await Bun.sleep(10);
    expect((await rt.state("lib1")).status).toBe("stopped");
    expect(await rt.delete("lib1")).toEqual([]);
    expect(leftovers(root, "lib1")).toEqual([]);
  });

  test("typed errors: not-found, exists, bad-state, invalid-config, invalid-argument", async () => {
    expect(await codeOf(rt.state("nope"))).toBe("not-found");
    expect(await codeOf(rt.state("../x"))).toBe("invalid-argument");
    expect(await codeOf(rt.create("bad", { bundle: tempDir("empty") }))).toBe("invalid-config");
    const b = bundle(["sleep", "30"]);
    await rt.create("lib2", { bundle: b });
    expect(await codeOf(rt.create("lib2", { bundle: b }))).toBe("exists");
    await rt.start("lib2");
    expect(await codeOf(rt.start("lib2"))).toBe("bad-state");
    expect(await codeOf(rt.delete("lib2"))).toBe("bad-state");
    await rt.delete("lib2", { force: true });
    expect(leftovers(root, "lib2")).toEqual([]);
  });

  test("a config no host could run is invalid-config; one this host does not allow is unsupported-on-host", async () => {
    const refusal = async (id: string, edit: (s: Spec) => void) => {
      try {
        await rt.create(id, { bundle: bundle(["true"], edit) });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const { code, path, detail } = e as ConfigError;
        expect(leftovers(root, id)).toEqual([]);
        return { code, path, detail };
      }
      throw new Error(`${id}: created`);
    };
    expect(await refusal("lib5", (s) => (s.process.args = []))).toEqual({
      code: "invalid-config",
      path: "process.args",
      detail: "must not be empty",
    });
    expect(await refusal("lib6", (s) => s.mounts!.push({ destination: "/x", source: "/nonexistent", type: "bind" }))).toEqual({
      code: "unsupported-on-host",
      path: "mounts[7].source",
      detail: '"/nonexistent" does not exist',
    });
    expect(
      await refusal("lib7", (s) => (s.linux!.namespaces!.find((n) => n.type === "network")!.path = `/proc/${process.pid}/ns/ipc`)),
    ).toMatchObject({ code: "unsupported-on-host", path: "linux.namespaces[1].path" });
  });

  test("run resolves with the exit status; the hooks trace is returned as records", async () => {
    const log = tempDir("libhooks");
    const b = bundle(["sh", "-c", "exit 4"], (s) => {
      s.hooks = { createRuntime: [{ path: "/bin/sh", args: ["sh", "-c", `cat > ${log}/state`] }] };
    });
    expect(await rt.run("lib3", { bundle: b })).toBe(4);
    expect(JSON.parse(readFileSync(join(log, "state"), "utf8")).id).toBe("lib3");
    expect(leftovers(root, "lib3")).toEqual([]);

    await rt.create("lib4", { bundle: b });
    const { layout, trace } = rt.hooks("lib4");
    expect(layout.map((h) => `${h.type}[${h.index}]`)).toEqual(["createRuntime[0]"]);
    expect(trace[0]).toMatchObject({ type: "createRuntime", index: 0, path: "/bin/sh", exitCode: 0, timedOut: false });
    await rt.delete("lib4");
  });

  test("after run the script is no subreaper: a later detached exec's process is not adopted, and delete ends it", async () => {
    expect(await rt.run("libsr1", { bundle: bundle(["true"]) })).toBe(0);
    await rt.create("libsr2", { bundle: bundle(["sleep", "60"]) });
    await rt.start("libsr2");
    const pidFile = join(tempDir("libsr"), "pid");
    expect(lxcri(root, ["exec", "--detach", "--pid-file", pidFile, "libsr2", "sleep", "60"]).code).toBe(0);
    const pid = Number(readFileSync(pidFile, "utf8"));
    // adopted and never reaped, it would keep the container's init from finishing its exit
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
    expect(ppid).not.toBe(process.pid);
    await rt.delete("libsr2", { force: true });
    expect(leftovers(root, "libsr2")).toEqual([]);
  });

  test("`lxcri run` forwards SIGTERM to the container", async () => {
    const b = bundle(["sh", "-c", "trap 'exit 42' TERM; sleep 30 & wait"]);
    const out = join(tempDir("fwd"), "out");
    const fd = openSync(out, "w");
    const run = Bun.spawn({
      cmd: [join(import.meta.dir, "../../build/lxcri"), "--root", root, "run", "--bundle", b, "fwd1"],
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    for (let i = 0; i < 500; i++) {
      const s = await rt.state("fwd1").catch(() => undefined);
      if (s?.status === "running") break;
      await Bun.sleep(10);
    }
    await Bun.sleep(100); // let the shell install its trap
    run.kill("SIGTERM");
    expect(await run.exited).toBe(42);
    expect(leftovers(root, "fwd1")).toEqual([]);
  });
});
