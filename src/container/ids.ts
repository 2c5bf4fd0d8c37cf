// Container ids end up in paths, cgroup names and liblxc's socket names:
// they are checked before anything else, never trusted.
import { LxcriError } from "../errors.ts";

export const MAX_ID_LENGTH = 128;

export function checkId(id: unknown): string {
  if (typeof id !== "string" || id === "") throw new LxcriError("invalid-argument", "container id is required");
  if (id.length > MAX_ID_LENGTH) throw new LxcriError("invalid-argument", `invalid container id: longer than ${MAX_ID_LENGTH} characters`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(id) || id.includes(".."))
    throw new LxcriError(
      "invalid-argument",
      `invalid container id ${JSON.stringify(id)}: use letters, digits and _ . + - (starting with a letter or digit, no "..")`,
    );
  return id;
}
