// Statistics of a container's cgroups in runc's `events --stats` shape (what
// containerd's go-runc decodes): cpu, memory and pids, from cgroup v1 or v2 files.
import { join } from "node:path";
import { payloadCgroups, read } from "../cgroups/container.ts";
import type { ContainerRecord } from "./record.ts";

export interface Stats {
  cpu: { usage: { total: number; percpu?: number[]; kernel: number; user: number } };
  memory: { usage: { usage: number; max?: number; limit: number; failcnt?: number }; raw: Record<string, number> };
  pids: { current: number; limit: number };
}

const MAX = 2 ** 63 - 1; // "no limit", as runc reports it
const USER_HZ = 100;

/** `name` from the first of `dirs` (one per hierarchy) that has it. */
function file(dirs: string[], name: string): string | undefined {
  for (const d of dirs) {
    const text = read(join(d, name));
    if (text !== undefined) return text.trim();
  }
  return undefined;
}

const num = (s: string | undefined) => (s === undefined ? 0 : s === "max" ? MAX : Number(s));
const keyed = (s: string | undefined) =>
  Object.fromEntries(
    (s ?? "")
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.split(" ")[0]!, Number(l.split(" ")[1])]),
  );

export function containerStats(r: ContainerRecord): Stats {
  const dirs = payloadCgroups(r);
  const v2cpu = file(dirs, "cpu.stat");
  const v1acct = file(dirs, "cpuacct.usage");
  let cpu: Stats["cpu"];
  if (v1acct !== undefined) {
    const st = keyed(file(dirs, "cpuacct.stat"));
    const tick = 1e9 / USER_HZ;
    cpu = {
      usage: {
        total: num(v1acct),
        percpu: (file(dirs, "cpuacct.usage_percpu") ?? "").split(/\s+/).filter(Boolean).map(Number),
        kernel: (st.system ?? 0) * tick,
        user: (st.user ?? 0) * tick,
      },
    };
  } else {
    const st = keyed(v2cpu);
    cpu = { usage: { total: (st.usage_usec ?? 0) * 1000, kernel: (st.system_usec ?? 0) * 1000, user: (st.user_usec ?? 0) * 1000 } };
  }
  const v1mem = file(dirs, "memory.usage_in_bytes");
  const memory: Stats["memory"] =
    v1mem !== undefined
      ? {
          usage: {
            usage: num(v1mem),
            max: num(file(dirs, "memory.max_usage_in_bytes")),
            limit: num(file(dirs, "memory.limit_in_bytes")),
            failcnt: num(file(dirs, "memory.failcnt")),
          },
          raw: keyed(file(dirs, "memory.stat")),
        }
      : {
          usage: { usage: num(file(dirs, "memory.current")), max: num(file(dirs, "memory.peak")), limit: num(file(dirs, "memory.max")) },
          raw: keyed(file(dirs, "memory.stat")),
        };
  const pidsMax = file(dirs, "pids.max");
  return {
    cpu,
    memory,
    pids: { current: num(file(dirs, "pids.current")), limit: pidsMax === "max" || pidsMax === undefined ? 0 : Number(pidsMax) },
  };
}
