// The liblxc binding itself (ffi/lxc-container.ts), through bun:ffi: config
// items are set, refused and read back, and a config file written the way
// create writes lxc.conf loads back as exactly the items that were set.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { liblxc } from "../../ffi/liblxc.ts";
import { LxcContainer, METHODS } from "../../ffi/lxc-container.ts";
import { canRunContainers, cleanupRoot, tempDir, testRoot } from "../helpers.ts";

const root = testRoot("ffi");
afterAll(() => cleanupRoot(root));

describe.skipIf(!canRunContainers)("liblxc through bun:ffi", () => {
  test("the version is one whose struct layout lxcri knows", () => {
    expect(liblxc().version).toMatch(/^5\.0\.\d+$/);
  });

  test("the method offsets are the installed lxccontainer.h's (offsetof, compiled here)", () => {
    const dir = tempDir("offsets");
    const names = Object.keys(METHODS);
    writeFileSync(
      join(dir, "o.c"),
      `#include <stdio.h>\n#include <stddef.h>\n#include <lxc/lxccontainer.h>\nint main(void) {\n${names
        .map((n) => `printf("%zu\\n", offsetof(struct lxc_container, ${n}));`)
        .join("\n")}\nreturn 0; }\n`,
    );
    const cc = Bun.spawnSync(["cc", "-o", join(dir, "o"), join(dir, "o.c")], { stderr: "pipe" });
    expect(cc.stderr.toString()).toBe("");
    const out = Bun.spawnSync([join(dir, "o")])
      .stdout.toString()
      .trim()
      .split("\n")
      .map(Number);
    expect(out).toEqual(names.map((n) => METHODS[n as keyof typeof METHODS][0]));
  });

  test("config items: set and read; an unknown key is refused", () => {
    const c = new LxcContainer("ffi-cfg", tempDir("lxcpath"));
    try {
      expect(c.setConfigItem("lxc.uts.name", "from-ffi")).toBe(true);
      expect(c.getConfigItem("lxc.uts.name")).toBe("from-ffi");
      expect(c.setConfigItem("lxc.no.such.key", "x")).toBe(false);
      expect(c.getConfigItem("lxc.no.such.key")).toBeNull();
    } finally {
      c.release();
    }
  });

  test("lxc.conf as create writes it loads back as the items that were set", () => {
    const items: [string, string][] = [
      ["lxc.uts.name", "box"],
      ["lxc.mount.entry", "tmpfs a\\040b tmpfs create=dir 0 0"],
      ["lxc.mount.entry", "proc proc proc nosuid 0 0"],
      ["lxc.environment", "A=b c"],
      ["lxc.sysctl.net.ipv4.ip_forward", "1"],
    ];
    const file = join(tempDir("conf"), "lxc.conf");
    writeFileSync(file, items.map(([k, v]) => `${k} = ${v}\n`).join(""));
    const c = new LxcContainer("ffi-load", tempDir("lxcpath"));
    try {
      expect(c.loadConfig(file)).toBe(true);
      expect(c.getConfigItem("lxc.uts.name")).toBe("box");
      expect(c.getConfigItem("lxc.mount.entry")).toBe("tmpfs a\\040b tmpfs create=dir 0 0\nproc proc proc nosuid 0 0\n");
      expect(c.getConfigItem("lxc.environment")).toBe("A=b c\n");
      expect(c.getConfigItem("lxc.sysctl.net.ipv4.ip_forward")).toBe("1");
    } finally {
      c.release();
    }
  });
});
