// Container ids end up in paths, cgroup names and liblxc's socket names:
// they are checked before anything else, never trusted.
import { LxcriError } from "../errors.ts";

export const MAX_ID_LENGTH = 128;

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

/**
 * /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/ as a loop: every hot call checks one id, and a regex's first
 * use compiles it (80–100 µs against ~10, docs/performance.md, "Issue 23, round 7").
 */
function idChars(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122); // 0-9 A-Z a-z
    if (!alnum && (i === 0 || (c !== 95 && c !== 46 && c !== 43 && c !== 45))) return false; // _ . + -
  }
  return id.length > 0;
}
