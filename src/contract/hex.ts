// A string as the native helpers take it where quoting could go wrong (a hook's `sh -c` command
// line, the monitor's environment; ffi/native unhex reads it back): its UTF-8 bytes as lower-case
// hex, as Buffer.from(s).toString("hex") gives them, without Buffer: Bun sets its Buffer up on first
// use (~0.2 ms), which create then need not pay (docs/performance.md, "Issue 23, round 7: create").
const encoder = new TextEncoder();
const DIGITS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

export function utf8Hex(s: string): string {
  let out = "";
  for (const b of encoder.encode(s)) out += DIGITS[b];
  return out;
}
