// update: `--resources FILE` (or `-` for stdin) with runtime-spec LinuxResources
// JSON, as podman, containerd and CRI-O call it; or runc's single-value flags.
import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { idArg, requireId } from "../args.ts";
import { runtime } from "../globals.ts";
import { LxcriError } from "../../errors.ts";

const FLAGS: Record<string, [string, string, (v: string) => unknown]> = {
  memory: ["memory", "limit", Number],
  "memory-swap": ["memory", "swap", Number],
  "memory-reservation": ["memory", "reservation", Number],
  "kernel-memory": ["memory", "kernel", Number],
  "kernel-memory-tcp": ["memory", "kernelTCP", Number],
  "cpu-shares": ["cpu", "shares", Number],
  "cpu-period": ["cpu", "period", Number],
  "cpu-quota": ["cpu", "quota", Number],
  "cpu-rt-period": ["cpu", "realtimePeriod", Number],
  "cpu-rt-runtime": ["cpu", "realtimeRuntime", Number],
  "cpuset-cpus": ["cpu", "cpus", String],
  "cpuset-mems": ["cpu", "mems", String],
  "pids-limit": ["pids", "limit", Number],
  "blkio-weight": ["blockIO", "weight", Number],
};

export default defineCommand({
  meta: { name: "update", description: "change the cgroup limits of a container" },
  args: {
    ...idArg,
    resources: { type: "string", alias: "r", description: "LinuxResources JSON file, or - for stdin" },
    ...Object.fromEntries(
      Object.keys(FLAGS).map((f) => [f, { type: "string", description: `linux.resources.${FLAGS[f]![0]}.${FLAGS[f]![1]}` }]),
    ),
  } as Record<string, { type: "string" | "positional"; description: string; alias?: string; required?: boolean }>,
  async run({ args }) {
    const id = requireId("update", args as unknown as { _: string[] });
    const a = args as unknown as Record<string, string | undefined>;
    let resources: Record<string, Record<string, unknown>> = {};
    if (a.resources !== undefined) {
      const source = a.resources === "-" ? "stdin" : a.resources;
      try {
        resources = JSON.parse(readFileSync(a.resources === "-" ? 0 : a.resources, "utf8"));
      } catch (e) {
        throw new LxcriError("invalid-argument", `--resources ${source}: ${(e as Error).message}`);
      }
    }
    for (const [flag, [group, field, parse]] of Object.entries(FLAGS)) {
      const v = a[flag];
      if (v === undefined) continue;
      const value = parse(v);
      if (typeof value === "number" && !Number.isInteger(value))
        throw new LxcriError("invalid-argument", `--${flag}: expected a number, got ${JSON.stringify(v)}`);
      (resources[group] ??= {})[field] = value;
    }
    await runtime().update(id, resources);
  },
});
