// The liblxc binding itself, on a real container: config items, state,
// init_pid, attach, umount.
import { afterAll, describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { liblxc } from "../../ffi/liblxc.ts";
import { LxcContainer } from "../../ffi/lxc-container.ts";
import { bundle, canRunContainers, cleanupRoot, lxcri, state, tempDir, testRoot } from "../helpers.ts";

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

  test("a running container: state, init_pid, attach with its wait status", () => {
    const b = bundle(["sleep", "30"]);
    expect(lxcri(root, ["create", "--bundle", b, "ffi1"]).code).toBe(0);
    expect(lxcri(root, ["start", "ffi1"]).code).toBe(0);
    const c = new LxcContainer("ffi1", root);
    try {
      expect(c.loadConfig(join(root, "ffi1", "lxc.conf"))).toBe(true);
      expect(c.state()).toBe("RUNNING");
      expect(c.isRunning()).toBe(true);
      expect(c.initPid()).toBe(state(root, "ffi1").pid);
      const out = join(tempDir("attach"), "out");
      const fd = openSync(out, "w");
      const status = c.attachRunWait(["/bin/sh", "-c", "hostname; exit 3"], { stdout: fd, env: ["PATH=/bin"] });
      closeSync(fd);
      expect((status >> 8) & 0xff).toBe(3);
      expect(readFileSync(out, "utf8")).toBe("lxcri\n");
    } finally {
      c.release();
    }
    expect(lxcri(root, ["delete", "--force", "ffi1"]).code).toBe(0);
  });
});
