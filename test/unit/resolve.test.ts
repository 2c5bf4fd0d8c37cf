// resolveInRootfs on a real directory tree (no root needed).
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveInRootfs } from "../../src/host/rootfs.ts";

const rootfs = mkdtempSync(join(tmpdir(), "lxcri-resolve-"));
mkdirSync(join(rootfs, "etc/conf"), { recursive: true });
mkdirSync(join(rootfs, "run"));
symlinkSync("/run", join(rootfs, "varrun")); // absolute, inside
symlinkSync("../../../../..", join(rootfs, "etc/up")); // climbs past the root
symlinkSync("/etc/conf", join(rootfs, "conf"));
symlinkSync(tmpdir(), join(rootfs, "escape")); // a host path, re-rooted
symlinkSync("loop2", join(rootfs, "loop1"));
symlinkSync("loop1", join(rootfs, "loop2"));

describe("mount destinations resolved inside the rootfs", () => {
  test.each([
    ["/plain/new", "/plain/new"],
    ["/varrun/secrets", "/run/secrets"],
    ["/etc/up/x", "/x"],
    ["/conf/../conf/a", "/etc/conf/a"],
    ["/escape/x", `${tmpdir()}/x`],
    ["/../../x", "/x"],
  ])("%s → %s", (path, expected) => {
    expect(resolveInRootfs(rootfs, path)).toBe(expected);
  });

  test("a symlink loop is an error", () => {
    expect(() => resolveInRootfs(rootfs, "/loop1/x")).toThrow("too many levels of symbolic links");
  });
});
