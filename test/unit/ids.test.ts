// checkId checks its characters with a loop (a regex's first use costs a hot call ~0.1 ms):
// it must accept exactly what the rule's regex accepts.
import { expect, test } from "bun:test";
import { checkId, MAX_ID_LENGTH } from "../../src/container/ids.ts";

const RULE = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
const accepts = (id: string) => {
  try {
    checkId(id);
    return true;
  } catch {
    return false;
  }
};

test("checkId accepts exactly the rule's ids", () => {
  const chars = ["a", "Z", "0", "9", "_", ".", "+", "-", "/", " ", "\0", "\n", "é", ":", "@", "`", "[", "{", "~", "\u0130", "\u{1F600}"];
  const ids: string[] = ["", "..", "a..b", "a.b", "-a", ".a", "_a", "+a", "a-", "a_.+-9", "ABCxyz019"];
  for (const x of chars) for (const y of chars) ids.push(x + y, `a${x}${y}`, `${x}a`);
  for (let c = 0; c < 256; c++) ids.push(String.fromCharCode(c), `x${String.fromCharCode(c)}`);
  for (const id of ids) expect([id, accepts(id)]).toEqual([id, RULE.test(id) && !id.includes("..")]);
});

test("checkId's length limit and wording", () => {
  expect(accepts("a".repeat(MAX_ID_LENGTH))).toBe(true);
  expect(accepts("a".repeat(MAX_ID_LENGTH + 1))).toBe(false);
  expect(() => checkId("../x")).toThrow('invalid container id "../x"');
  expect(() => checkId("")).toThrow("container id is required");
});
