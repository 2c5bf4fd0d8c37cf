// The liblxc binding itself, on a real container started the way lxc-start
// would (liblxc's monitor stays): config items, state, init_pid, attach, stop.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { liblxc } from "../../ffi/liblxc.ts";
import { LxcContainer } from "../../ffi/lxc-container.ts";
import { reapChild } from "../../ffi/libc.ts";
import { startMonitor } from "../../ffi/monitor.ts";
import { bundle, canRunContainers, cleanupRoot, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("ffi");
afterAll(() => cleanupRoot(root));

describe.skipIf(!canRunContainers)("liblxc through bun:ffi", () => {
  test("the version is one whose struct layout lxcri knows", () => {
    expect(liblxc().version).toMatch(/^5\.0\.\d+$/);
  });

  test("config items: set, get, clear; an unknown key is refused", () => {
    const c = new LxcContainer("ffi-cfg", tempDir("lxcpath"));
    try {
      expect(c.setConfigItem("lxc.uts.name", "from-ffi")).toBe(true);
      expect(c.getConfigItem("lxc.uts.name")).toBe("from-ffi");
      expect(c.clearConfigItem("lxc.uts.name")).toBe(true);
      expect(c.getConfigItem("lxc.uts.name")).toBe("");
      expect(c.setConfigItem("lxc.no.such.key", "x")).toBe(false);
      expect(c.getConfigItem("lxc.no.such.key")).toBeNull();
      expect(c.state()).toBe("STOPPED");
      expect(c.initPid()).toBe(-1);
    } finally {
      c.release();
    }
  });

  test("a running container started through the monitor trampoline: state, init_pid, attach with its wait status, stop", async () => {
    // lxcri ends liblxc's monitor once a container is created; here liblxc keeps it, as lxc-start would.
    const b = bundle(["sleep", "30"]);
    const c = new LxcContainer("ffi1", tempDir("lxcpath"));
    let monitor = 0;
    try {
      for (const [k, v] of [
        ["lxc.rootfs.path", `dir:${join(b, "rootfs")}`],
        ["lxc.uts.name", "lxcri"],
        ["lxc.namespace.clone", "mnt pid uts ipc"],
        ["lxc.autodev", "1"],
        ["lxc.mount.auto", "proc:rw sys:ro"],
        ["lxc.tty.max", "0"],
        ["lxc.pty.max", "0"],
        ["lxc.console.path", "none"],
        ["lxc.log.level", "warn"],
      ])
        expect(c.setConfigItem(k!, v!)).toBe(true);
      monitor = startMonitor(c, ["/bin/sleep", "30"]);
      for (let i = 0; i < 500 && c.state() !== "RUNNING"; i++) await Bun.sleep(10);
      expect(c.state()).toBe("RUNNING");
      expect(c.isRunning()).toBe(true);
      expect(readFileSync(`/proc/${c.initPid()}/cmdline`, "utf8")).toBe("/bin/sleep\x0030\x00");
      const out = join(tempDir("attach"), "out");
      const fd = openSync(out, "w");
      const status = c.attachRunWait(["/bin/sh", "-c", "hostname; exit 3"], { stdout: fd, env: ["PATH=/bin"] });
      closeSync(fd);
      expect((status >> 8) & 0xff).toBe(3);
      expect(readFileSync(out, "utf8")).toBe("lxcri\n");
      expect(c.stop()).toBe(true);
      let code: number | null = null;
      for (let i = 0; i < 500 && (code = reapChild(monitor)) === null; i++) await Bun.sleep(10);
      expect(code).toBe(137); // init was killed: the monitor mirrors it as 128+9
    } finally {
      if (monitor > 0 && reapChild(monitor) === null) process.kill(monitor, "SIGKILL");
      c.release();
    }
  });
});
