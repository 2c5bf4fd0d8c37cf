// JSON with exact 64-bit integers: a bigint is written as its digits (a JSON
// number of any size, as runc's Go encoder writes a uint64), where
// JSON.stringify would throw, and a Number would have rounded it above 2^53.

const MARK = "\u0000bigint:";
const MARKED = /"\\u0000bigint:(-?\d+)"/g;

/** JSON.stringify(value), with each bigint as a number of its exact digits. */
export function stringifyExact(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? MARK + v.toString() : v)).replace(MARKED, "$1");
}

/** A decimal integer as a number where that is exact, as a bigint above 2^53. */
export function exactInteger(digits: string): number | bigint {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : BigInt(digits);
}
