// ffi/files.ts readRegularFile, what create reads config.json with:
// one open file, a symlink at the name not followed, nothing but a regular
// file opened for reading, never more than the limit + 1 bytes read — also
// from a file whose size says nothing (procfs reports 0).
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readRegularFile } from "../../ffi/files.ts";
import { tempDir } from "../helpers.ts";

const dir = tempDir("read-regular");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (r: ReturnType<typeof readRegularFile>) => ("bytes" in r ? new TextDecoder().decode(r.bytes) : r);

test("a regular file up to the limit: its bytes", () => {
  const f = join(dir, "ok");
  writeFileSync(f, "0123456789");
  expect(text(readRegularFile(f, 10))).toBe("0123456789");
  expect(text(readRegularFile(f, 1 << 20))).toBe("0123456789");
  writeFileSync(join(dir, "empty"), "");
  expect(text(readRegularFile(join(dir, "empty"), 10))).toBe("");
});

test("one byte over the limit: too large, by its size or by what a read gives", () => {
  const f = join(dir, "big");
  writeFileSync(f, "0123456789x");
  expect(readRegularFile(f, 10)).toEqual({ refused: "too large" });
  // /proc/self/status: a regular file of size 0 that reads as ~1 KiB
  expect(readRegularFile("/proc/self/status", 100)).toEqual({ refused: "too large" });
  expect(text(readRegularFile("/proc/self/status", 1 << 20))).toContain("Pid:");
});

test("a symlink is not followed, whatever it points to", () => {
  const target = join(dir, "target");
  writeFileSync(target, "{}");
  symlinkSync(target, join(dir, "link"));
  symlinkSync("/dev/zero", join(dir, "zero"));
  symlinkSync("/nonexistent", join(dir, "dangling"));
  for (const l of ["link", "zero", "dangling"]) expect(readRegularFile(join(dir, l), 10)).toEqual({ refused: "symlink" });
});

test("a FIFO, a directory, a device: refused without waiting or reading", () => {
  const fifo = join(dir, "fifo");
  expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
  expect(readRegularFile(fifo, 10)).toEqual({ refused: "fifo" });
  mkdirSync(join(dir, "sub"));
  expect(readRegularFile(join(dir, "sub"), 10)).toEqual({ refused: "dir" });
  expect(readRegularFile("/dev/zero", 10)).toEqual({ refused: "char device" });
});

test("a missing file: ENOENT naming the path", () => {
  expect(() => readRegularFile(join(dir, "missing"), 10)).toThrow(`ENOENT: no such file or directory, open '${join(dir, "missing")}'`);
});
