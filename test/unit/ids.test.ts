// checkId's characters are checked by a loop, not a regular expression (whose first use cost every
// hot call ~0.06 ms: docs/performance.md, "Issue 23, round 7: the hot calls' shell"): the loop must
// accept exactly what the expression it replaced accepts.
import { expect, test } from "bun:test";
import { checkId, idChars, MAX_ID_LENGTH } from "../../src/container/ids.ts";

const RULE = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

test("idChars accepts what ^[A-Za-z0-9][A-Za-z0-9_.+-]*$ accepts: every character alone, first and later", () => {
  for (let c = 0; c < 0x3100; c++) {
    const ch = String.fromCharCode(c);
    for (const s of [ch, `a${ch}`, `${ch}a`, `a${ch}b`, `${ch}${ch}`]) expect([s, idChars(s)]).toEqual([s, RULE.test(s)]);
  }
  for (const s of ["", "a", "A9", "9a", "_a", ".a", "+a", "-a", "a_.+-", "a\n", "\na", "a b", "é", "a/b", "a\0"])
    expect([s, idChars(s)]).toEqual([s, RULE.test(s)]);
});

test("idChars agrees with the expression on random strings", () => {
  const alphabet = "aZ09_.+-/ \n\0é\u{1F600}:";
  let seed = 23;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 20000; i++) {
    let s = "";
    for (let j = rand(8); j > 0; j--) s += alphabet[rand(alphabet.length)];
    expect([s, idChars(s)]).toEqual([s, RULE.test(s)]);
  }
});

test("checkId's wording is unchanged", () => {
  expect(checkId("c1")).toBe("c1");
  expect(() => checkId("-x")).toThrow(
    'invalid container id "-x": use letters, digits and _ . + - (starting with a letter or digit, no "..")',
  );
  expect(() => checkId("a..b")).toThrow("invalid container id");
  expect(() => checkId("")).toThrow("container id is required");
});

test("checkId's length limit", () => {
  expect(checkId("a".repeat(MAX_ID_LENGTH))).toBe("a".repeat(MAX_ID_LENGTH));
  expect(() => checkId("a".repeat(MAX_ID_LENGTH + 1))).toThrow(`longer than ${MAX_ID_LENGTH} characters`);
  expect(() => checkId("../x")).toThrow('invalid container id "../x"');
});
