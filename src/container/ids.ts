// Container ids end up in paths, cgroup names and liblxc's socket names:
// they are checked before anything else, never trusted.
import { LxcriError } from "../errors.ts";

export const MAX_ID_LENGTH = 128;

/**
 * `^[A-Za-z0-9][A-Za-z0-9_.+-]*$`, as a loop: a regular expression's first use costs every call
 * ~0.06 ms (compiled on first use; docs/performance.md, "Issue 23, round 7: the hot calls' shell"),
 * and checkId is the only one on the hot calls' plain paths. test/unit/ids.test.ts holds the two equal.
 */
export function idChars(id: string): boolean {
  if (id === "") return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) continue; // 0-9 A-Z a-z
    if (i > 0 && (c === 0x5f || c === 0x2e || c === 0x2b || c === 0x2d)) continue; // _ . + - after the first
    return false;
  }
  return true;
}

export function checkId(id: unknown): string {
  if (typeof id !== "string" || id === "") throw new LxcriError("invalid-argument", "container id is required");
  if (id.length > MAX_ID_LENGTH) throw new LxcriError("invalid-argument", `invalid container id: longer than ${MAX_ID_LENGTH} characters`);
  if (!idChars(id) || id.includes(".."))
    throw new LxcriError(
      "invalid-argument",
      `invalid container id ${JSON.stringify(id)}: use letters, digits and _ . + - (starting with a letter or digit, no "..")`,
    );
  return id;
}
