// src/host/fs.ts replaceOwnFile, how the record is written: the new content
// replaces the old at once (renameat2's exchange, or a rename for the first
// write), the old version goes, and nothing else is left in the directory.
import { afterAll, expect, test } from "bun:test";
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tryExchange } from "../../ffi/files.ts";
import { replaceOwnFile } from "../../src/host/fs.ts";
import { tempDir } from "../helpers.ts";

const dir = tempDir("replace-own");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the first write makes the file, private, and leaves nothing beside it", () => {
  const f = join(dir, "first.json");
  replaceOwnFile(f, "one");
  expect(readFileSync(f, "utf8")).toBe("one");
  expect(statSync(f).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir)).toEqual(["first.json"]);
});

test("a later write: the new content under the name, the old version unlinked, no temp file left", () => {
  const f = join(dir, "record.json");
  replaceOwnFile(f, "old");
  const old = openSync(f, "r");
  try {
    replaceOwnFile(f, "new, and longer");
    expect(readFileSync(f, "utf8")).toBe("new, and longer");
    expect(fstatSync(old).nlink).toBe(0); // the old version is gone from the directory
    expect(fstatSync(old).ino).not.toBe(statSync(f).ino);
    expect(readdirSync(dir).sort()).toEqual(["first.json", "record.json"]);
  } finally {
    closeSync(old);
  }
});

test("tryExchange swaps two names; with one missing it moves nothing", () => {
  const [a, b] = [join(dir, "a"), join(dir, "b")];
  writeFileSync(a, "A");
  writeFileSync(b, "B");
  expect(tryExchange(a, b)).toBe(true);
  expect([readFileSync(a, "utf8"), readFileSync(b, "utf8")]).toEqual(["B", "A"]);
  rmSync(b);
  expect(tryExchange(a, b)).toBe(false);
  expect(readFileSync(a, "utf8")).toBe("B");
});
