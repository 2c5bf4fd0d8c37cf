// src/path.ts stands in for node:path on the short calls' paths: it must give node:path's answers.
import { expect, test } from "bun:test";
import { posix } from "node:path";
import { dirname, isAbsolute, join, normalize, resolve } from "../../src/path.ts";

const PATHS = [
  "",
  ".",
  "./",
  "/",
  "//",
  "a",
  "a/",
  "/a/b/",
  "a//b",
  "/a/./b",
  "a/../b",
  "a/..",
  "a/../",
  "../a",
  "/../a",
  "a/../../b",
  "./a/.",
  "/sys/fs/cgroup/memory/lxc.payload.c1",
  "/a/b/../../..",
  "..",
  "../",
  "a/b/c/../../..",
];

test("normalize as node:path", () => {
  for (const p of PATHS) expect({ p, n: normalize(p) }).toEqual({ p, n: posix.normalize(p) });
});

test("join as node:path", () => {
  const parts = [
    ["/sys/fs/cgroup", "/"],
    ["/sys/fs/cgroup/memory", "/lxc.payload.c1"],
    ["/run/lxcri", "c1"],
    ["", ""],
    ["a", "", "b"],
    ["/a/", "/b/"],
    ["/hooks", "poststop", "0"],
    ["a", ".."],
    ["/", ".."],
    [".", "a"],
  ];
  for (const p of parts) expect({ p, j: join(...p) }).toEqual({ p, j: posix.join(...p) });
});

test("dirname and isAbsolute as node:path", () => {
  for (const p of [...PATHS, "/a", "a/b", "//a", "///a", "/a//b//", "a/b/", "/sys/fs/cgroup/x/"]) {
    expect({ p, d: dirname(p) }).toEqual({ p, d: posix.dirname(p) });
    expect({ p, a: isAbsolute(p) }).toEqual({ p, a: posix.isAbsolute(p) });
  }
});

test("resolve as node:path (relative parts against the working directory)", () => {
  for (const p of PATHS) expect({ p, r: resolve(p) }).toEqual({ p, r: posix.resolve(p) });
  const parts = [["/a", "b"], ["/a", "/b", "c/"], ["a", "../../.."], ["/run/lxcri", "", "c1"], ["x", "/"], []];
  for (const p of parts) expect({ p, r: resolve(...p) }).toEqual({ p, r: posix.resolve(...p) });
});
