// update: `--resources FILE` (or `-` for stdin) with runtime-spec LinuxResources
// JSON, as podman, containerd and CRI-O call it; or runc's single-value flags
// (table.ts RESOURCE_FLAGS says where each goes).
import { readFileSync } from "node:fs";
import { LxcriError } from "../../errors.ts";
import { runtime } from "../globals.ts";
import { type Call, RESOURCE_FLAGS } from "../table.ts";

export default async function update({ id, flags }: Call<"update">): Promise<void> {
  let resources: Record<string, Record<string, unknown>> = {};
  if (flags.resources !== undefined) {
    const source = flags.resources === "-" ? "stdin" : flags.resources;
    try {
      resources = JSON.parse(readFileSync(flags.resources === "-" ? 0 : flags.resources, "utf8"));
    } catch (e) {
      throw new LxcriError("invalid-argument", `--resources ${source}: ${(e as Error).message}`);
    }
  }
  for (const [flag, [group, field, type]] of Object.entries(RESOURCE_FLAGS)) {
    const v = flags[flag as keyof typeof RESOURCE_FLAGS];
    if (v === undefined) continue;
    const value = type === "number" ? Number(v) : v;
    if (typeof value === "number" && !Number.isInteger(value))
      throw new LxcriError("invalid-argument", `--${flag}: expected a number, got ${JSON.stringify(v)}`);
    (resources[group] ??= {})[field] = value;
  }
  await (await runtime()).update(id, resources);
}
