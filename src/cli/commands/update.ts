// update: `--resources FILE` (or `-` for stdin) with runtime-spec LinuxResources
// JSON, as podman, containerd and CRI-O call it; or runc's single-value flags
// (table.ts RESOURCE_FLAGS says where each goes). A flag the host has no cgroup
// file for is refused, naming the flag, before anything is written; Intel RDT's
// two flags are refused (lxcri makes no resctrl groups).
import { readFd, readText } from "../../host/fs.ts";
import { LxcriError } from "../../errors.ts";
import { runtime } from "../globals.ts";
import { type Call, RESOURCE_FLAGS } from "../table.ts";

/** runc's Intel RDT flags: the resctrl feature each needs, by its info directory. */
const RDT = { "l3-cache-schema": ["L3", "Intel RDT/CAT"], "mem-bw-schema": ["MB", "Intel RDT/MBA"] } as const;

/** docker/go-units' RAMInBytes, which runc's memory flags take: 100, 512k, 1.5g, 2GiB (binary units); -1 for unlimited. */
export function ramInBytes(v: string): number {
  if (v === "-1") return -1;
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(v);
  if (!m) return Number.NaN;
  const mult = 1024 ** (m[2] ? "kmgtp".indexOf(m[2].toLowerCase()) + 1 : 0);
  return Math.trunc(Number(m[1]) * mult);
}

export default async function update({ id, flags }: Call<"update">): Promise<void> {
  for (const [flag, [info, feature]] of Object.entries(RDT)) {
    if (flags[flag as keyof typeof RDT] === undefined) continue;
    let enabled = false;
    try {
      enabled = readText(`/sys/fs/resctrl/info/${info}/num_closids`) !== "";
    } catch {}
    throw new LxcriError(
      "invalid-argument",
      `--${flag}: not supported: ${enabled ? "lxcri makes no resctrl groups (linux.intelRdt)" : `${feature} is not enabled on this host`}`,
    );
  }
  const given = Object.keys(RESOURCE_FLAGS).filter((f) => flags[f as keyof typeof RESOURCE_FLAGS] !== undefined);
  let resources: Record<string, Record<string, unknown>> = {};
  if (flags.resources !== undefined) {
    // runc then ignores the other flags; lxcri refuses what it would ignore
    if (given.length)
      throw new LxcriError("invalid-argument", `--resources and --${given[0]}: give one or the other (runc would ignore --${given[0]})`);
    const source = flags.resources === "-" ? "stdin" : flags.resources;
    try {
      resources = JSON.parse(flags.resources === "-" ? new TextDecoder().decode(readFd(0, "read stdin")) : readText(flags.resources));
    } catch (e) {
      throw new LxcriError("invalid-argument", `--resources ${source}: ${(e as Error).message}`);
    }
  }
  for (const flag of given) {
    const [group, field, type] = RESOURCE_FLAGS[flag as keyof typeof RESOURCE_FLAGS];
    const v = flags[flag as keyof typeof RESOURCE_FLAGS]!;
    const value = type === "number" ? Number(v) : type === "bytes" ? ramInBytes(v) : v;
    if (typeof value === "number" && !Number.isInteger(value))
      throw new LxcriError("invalid-argument", `--${flag}: expected a number, got ${JSON.stringify(v)}`);
    (resources[group] ??= {})[field] = value;
  }
  try {
    await (await runtime()).update(id, resources);
  } catch (e) {
    // "the container has no cgroup file cpu.idle", "--resources: cpu.realtimeRuntime: ...": name the flags that asked for it
    if (given.length && e instanceof LxcriError && /has no cgroup file|^--resources: /.test(e.message))
      throw new LxcriError(
        e.code,
        `${given.map((f) => `--${f}`).join(" ")}: not supported here: ${e.message.replace(/^--resources: /, "")}`,
      );
    throw e;
  }
}
