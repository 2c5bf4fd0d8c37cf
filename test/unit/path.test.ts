// src/path.ts stands in for node:path on the short calls' paths: it must give node:path's answers.
import { expect, test } from "bun:test";
import { posix } from "node:path";
import { join, normalize } from "../../src/path.ts";

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
