// liblxc reads a mount entry of at most 4095 bytes: counted in UTF-8, not in UTF-16 units
// (src/lxc/read-back.ts counts without Buffer; these hold it to Buffer.byteLength's count).
import { expect, test } from "bun:test";
import { readBackProblem } from "../../src/lxc/read-back.ts";

const entry = (n: number, unit: string) => `${unit.repeat(n)} dest none bind 0 0`;
const TAIL = " dest none bind 0 0".length;

test("a mount entry's length is its UTF-8 bytes: at most 4095", () => {
  for (const unit of ["x", "ü", "€", "😀", "\ud800"]) {
    const bytes = Buffer.byteLength(unit);
    const fits = Math.floor((4095 - TAIL) / bytes);
    expect(Buffer.byteLength(entry(fits, unit))).toBeLessThanOrEqual(4095);
    expect(readBackProblem("lxc.mount.entry", entry(fits, unit))).toBeUndefined();
    expect(Buffer.byteLength(entry(fits + 1, unit))).toBeGreaterThan(4095);
    expect(readBackProblem("lxc.mount.entry", entry(fits + 1, unit))).toContain("longer than 4095 bytes");
  }
  // other keys have no such bound
  expect(readBackProblem("lxc.environment", `A=${"€".repeat(2000)}`)).toBeUndefined();
});
