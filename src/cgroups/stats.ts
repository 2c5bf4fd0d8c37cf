// Statistics of a container's cgroups in runc's `events --stats` shape (what
// containerd's go-runc decodes): cpu, memory and pids, from cgroup v1 or v2 files.
// Counters are exact: a number, or a bigint above 2^53 (v1's "no limit" is
// 9223372036854771712); src/text/json.ts writes either as its digits.
import { join } from "../path.ts";
import { exactInteger } from "../text/json.ts";
import { read } from "./cgroupfs.ts";

/** A cgroup counter: a number where exact, a bigint above 2^53. */
export type Count = number | bigint;

export interface Stats {
  cpu: { usage: { total: Count; percpu?: Count[]; kernel: Count; user: Count } };
  memory: { usage: { usage: Count; max?: Count; limit: Count; failcnt?: Count }; raw: Record<string, Count> };
  pids: { current: Count; limit: Count };
}

const MAX = 2n ** 63n - 1n; // "no limit", as runc reports it
const USER_HZ = 100;

/** `name` from the first of `dirs` (one per hierarchy) that has it. */
function file(dirs: readonly string[], name: string): string | undefined {
  for (const d of dirs) {
    const text = read(join(d, name));
    if (text !== undefined) return text.trim();
  }
  return undefined;
}

const exact = (s: string): Count => (/^\d+$/.test(s) ? exactInteger(s) : Number(s));
const num = (s: string | undefined): Count => (s === undefined ? 0 : s === "max" ? MAX : exact(s));
const keyed = (s: string | undefined): Record<string, Count> =>
  Object.fromEntries(
    (s ?? "")
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.split(" ")[0]!, exact(l.split(" ")[1] ?? "")]),
  );
/** A count of `unit` ns (USER_HZ ticks, µs) in ns, exact. */
const times = (c: Count | undefined, unit: number): Count => exactInteger((BigInt(c ?? 0) * BigInt(unit)).toString());

/** The figures of the container's cgroup directories `dirs`. */
export function containerStats(dirs: readonly string[]): Stats {
  const v2cpu = file(dirs, "cpu.stat");
  const v1acct = file(dirs, "cpuacct.usage");
  let cpu: Stats["cpu"];
  if (v1acct !== undefined) {
    const st = keyed(file(dirs, "cpuacct.stat"));
    const tick = 1e9 / USER_HZ;
    cpu = {
      usage: {
        total: num(v1acct),
        percpu: (file(dirs, "cpuacct.usage_percpu") ?? "").split(/\s+/).filter(Boolean).map(exact),
        kernel: times(st.system, tick),
        user: times(st.user, tick),
      },
    };
  } else {
    const st = keyed(v2cpu);
    cpu = { usage: { total: times(st.usage_usec, 1000), kernel: times(st.system_usec, 1000), user: times(st.user_usec, 1000) } };
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
    pids: { current: num(file(dirs, "pids.current")), limit: pidsMax === "max" || pidsMax === undefined ? 0 : exact(pidsMax) },
  };
}

/**
 * How many processes the kernel has OOM-killed in the container's cgroups
 * (v2 memory.events, v1 memory.oom_control: "oom_kill N"), or undefined where
 * no hierarchy counts them. `events` reports each increase as runc's "oom" event.
 */
export function oomKills(dirs: readonly string[]): number | undefined {
  for (const name of ["memory.events", "memory.oom_control"]) {
    const text = file(dirs, name);
    const n = text === undefined ? undefined : keyed(text).oom_kill;
    if (n !== undefined) return Number(n);
  }
  return undefined;
}

/** The container's memory usage in bytes (cgroup v1 or v2), or undefined where it cannot be read (runc: best effort). */
export function memoryUsage(dirs: readonly string[]): number | undefined {
  for (const d of dirs)
    for (const f of ["memory.usage_in_bytes", "memory.current"]) {
      const t = read(join(d, f));
      if (t !== undefined && /^\d+\s*$/.test(t)) return Number(t);
    }
  return undefined;
}
