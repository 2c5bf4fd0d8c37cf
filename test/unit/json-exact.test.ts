import { describe, expect, test } from "bun:test";
import { exactInteger, stringifyExact } from "../../src/text/json.ts";

describe("JSON with exact 64-bit integers", () => {
  test("a bigint is written as its digits, everything else as JSON.stringify writes it", () => {
    const v1NoLimit = "9223372036854771712";
    expect(stringifyExact({ limit: exactInteger(v1NoLimit), n: exactInteger("42"), s: "bigint:1", list: [2n ** 64n - 1n] })).toBe(
      `{"limit":${v1NoLimit},"n":42,"s":"bigint:1","list":[18446744073709551615]}`,
    );
    // what a Number would have made of it
    expect(JSON.stringify({ limit: Number(v1NoLimit) })).not.toContain(v1NoLimit);
  });
  test("exactInteger: a number up to 2^53, a bigint above", () => {
    expect(exactInteger("9007199254740991")).toBe(9007199254740991);
    expect(exactInteger("9007199254740993")).toBe(9007199254740993n);
  });
});
