// ffi/files.ts tryLstat, what delete checks each recorded cgroup with
// (cgroups/paths.ts sameCgroups): lstat's answer where there is something,
// a symlink described and not followed, undefined (no throw) where there is not.
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { lstat, tryLstat } from "../../ffi/files.ts";
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
