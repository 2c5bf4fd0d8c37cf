// What liblxc would not read back as translation wrote it (src/lxc/read-back.ts): a mount entry of
// more than 4095 bytes, counted in UTF-8, not in UTF-16 units (without Buffer: these hold the count
// to Buffer.byteLength's); blanks it trims.
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

test("a value starting or ending with a blank is refused; blanks inside, other spaces and the empty value are not", () => {
  for (const bad of [" a", "a ", " ", "  a  "])
    expect(readBackProblem("lxc.uts.name", bad)).toBe("must not start or end with blanks (liblxc trims them)");
  // a tab is a control character: refused as one, wherever it is
  for (const bad of ["\ta", "a\t", "a\tb"]) expect(readBackProblem("lxc.uts.name", bad)).toContain("control characters");
  for (const good of ["a b", "a\u00a0", "\u2003a", "", "a"]) expect(readBackProblem("lxc.uts.name", good)).toBeUndefined();
});
