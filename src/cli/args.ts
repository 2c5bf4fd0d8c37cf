// Helpers for commands: the single positional id, as runc requires it.
import { LxcriError } from "../errors.ts";

export const idArg = { id: { type: "positional", description: "container id", required: false } } as const;

export function requireId(command: string, args: { _: string[] }, count = 1): string {
  const pos = args._;
  if (pos.length < 1) throw new LxcriError("invalid-argument", `"${command}" requires a container id`);
  if (pos.length > count)
    throw new LxcriError(
      "invalid-argument",
      `"${command}" takes ${count === 1 ? "exactly 1 argument" : `at most ${count} arguments`}, got ${pos.length}`,
    );
  return pos[0]!;
}
