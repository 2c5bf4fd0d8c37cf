// What create counts or encodes in UTF-8 without Buffer (its set-up on first use costs ~0.2 ms,
// docs/performance.md, "Issue 23, round 7: create"), held to Buffer's answers.
import { expect, test } from "bun:test";
import { validateProcess } from "../../src/spec/validate.ts";
import { utf8Hex } from "../../src/contract/hex.ts";

const SAMPLES = ["", "a", "/dev/pts", "a b\tc\n", "ü", "€", "😀", "\ud800", "x\0y", "日本/\u00ff\u0080", "\\"];

test("utf8Hex is Buffer's hex of the string's UTF-8 bytes", () => {
  for (const s of SAMPLES) expect(utf8Hex(s)).toBe(Buffer.from(s).toString("hex"));
  const all = Array.from({ length: 0x800 }, (_, i) => String.fromCharCode(i)).join("");
  expect(utf8Hex(all)).toBe(Buffer.from(all).toString("hex"));
});

test("process.apparmorProfile: at most 4000 bytes in UTF-8, not 4000 UTF-16 units", () => {
  const check = (profile: string) => () =>
    validateProcess({ args: ["true"], cwd: "/", user: { uid: 0, gid: 0 }, apparmorProfile: profile }, "process.json");
  for (const unit of ["x", "ü", "€", "😀"]) {
    const fits = Math.floor(4000 / Buffer.byteLength(unit));
    expect(check(unit.repeat(fits))).not.toThrow();
    expect(check(unit.repeat(fits + 1))).toThrow("is longer than 4000 bytes");
  }
});
