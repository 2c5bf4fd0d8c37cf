// ffi/files.ts tryLstat (the runtime directory's check) and inodeOf, what delete checks each
// recorded cgroup with (cgroups/paths.ts sameCgroups): lstat's answer where there is something,
// a symlink described and not followed, undefined (no throw) where there is not.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { inodeOf, lstat, tryLstat } from "../../ffi/files.ts";
import { tempDir } from "../helpers.ts";

const dir = tempDir("try-lstat");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a directory: lstat's Stat; a symlink: the link; nothing there: undefined", () => {
  const d = join(dir, "d");
  mkdirSync(d);
  symlinkSync(d, join(dir, "l"));
  expect(tryLstat(d)?.inode).toBe(lstat(d).inode);
  expect(tryLstat(d)?.type).toBe("dir");
  expect(tryLstat(join(dir, "l"))?.type).toBe("symlink");
  expect(tryLstat(join(dir, "gone"))).toBeUndefined();
  expect(() => lstat(join(dir, "gone"))).toThrow("ENOENT");
});

test("inodeOf: lstat's inode, the link's own for a symlink, undefined where nothing is", () => {
  const d = join(dir, "i");
  mkdirSync(d);
  symlinkSync(d, join(dir, "il"));
  expect(inodeOf(d)).toBe(lstat(d).inode);
  expect(inodeOf(join(dir, "il"))).toBe(lstat(join(dir, "il")).inode);
  expect(inodeOf(join(dir, "il"))).not.toBe(inodeOf(d));
  expect(inodeOf(join(dir, "gone"))).toBeUndefined();
});
