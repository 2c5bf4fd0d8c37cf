// Host memory each running container costs beyond its own processes: what
// lxcri and runc leave running besides the container (for both the pid-file
// process is the container's init: lxcri ends liblxc's monitor at create),
// and beside them liblxc's own monitor under lxc-start for an equivalent
// container. Pss (shared pages divided among their users) and Rss, in MB,
// averaged over `count` containers running at once.
// Run as root: bun bench/rss.ts [count]
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundle, rt, setup, work } from "./common.ts";

function memory(pid: number): { pss: number; rss: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? NaN);
  return { pss: kb("Pss") / 1024, rss: kb("Rss") / 1024 };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const row = (what: string, ms: { pss: number; rss: number }[]) =>
  `| ${what} | ${mean(ms.map((m) => m.pss)).toFixed(1)} | ${mean(ms.map((m) => m.rss)).toFixed(1)} |`;

/** Processes whose command line mentions `name`, other than the containers' inits: what the runtime left running. */
function leftoverProcesses(name: string, inits: Set<number>): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p) && !inits.has(Number(p)) && Number(p) !== process.pid)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(name);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Memory per container of what `runtime` leaves running beside `count` running containers ("none" when nothing). */
function leftovers(runtime: "lxcri" | "runc", b: string, count: number): { pss: number; rss: number } | "none" {
  const ids = Array.from({ length: count }, (_, i) => `rss-${runtime}-${i}`);
  const inits = new Set<number>();
  for (const id of ids) {
    const pidFile = join(work, `${id}.pid`);
    rt(runtime, ["create", "--bundle", b, "--pid-file", pidFile, id]);
    rt(runtime, ["start", id]);
    inits.add(Number(readFileSync(pidFile, "utf8")));
  }
  // matched by the ids, so other runs on the machine are not counted
  const left = leftoverProcesses(`rss-${runtime}-`, inits).map(memory);
  for (const id of ids) rt(runtime, ["delete", "--force", id]);
  if (!left.length) return "none";
  return { pss: left.reduce((a, m) => a + m.pss, 0) / count, rss: left.reduce((a, m) => a + m.rss, 0) / count };
}

/** liblxc's monitor for the same rootfs and command, started by lxc-start (daemonized, as lxc-start does by default). */
function lxcStartMonitors(b: string, count: number): { pss: number; rss: number }[] | string {
  if (!existsSync("/usr/bin/lxc-start")) return "lxc-start not installed";
  const path = join(work, "lxc-start");
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  const conf = join(path, "bench.conf");
  writeFileSync(
    conf,
    [
      `lxc.rootfs.path = dir:${join(b, "rootfs")}`,
      "lxc.uts.name = bench",
      "lxc.init.cmd = /bin/sleep 600",
      "lxc.mount.auto = proc:mixed sys:mixed cgroup:mixed",
      "lxc.autodev = 1",
      "lxc.console.path = none",
      "lxc.net.0.type = empty",
      "",
    ].join("\n"),
  );
  const names = Array.from({ length: count }, (_, i) => `rss-lxc-${i}`);
  const monitors: number[] = [];
  try {
    for (const n of names) {
      const p = Bun.spawnSync(["lxc-start", "-n", n, "-P", path, "-f", conf], { stdio: ["ignore", "ignore", "pipe"] });
      if (p.exitCode !== 0) return `lxc-start failed: ${p.stderr.toString().trim()}`;
      const pid = readdirSync("/proc").find((q) => {
        try {
          return /^\d+$/.test(q) && readFileSync(`/proc/${q}/cmdline`, "utf8").startsWith(`[lxc monitor] ${path} ${n}`);
        } catch {
          return false;
        }
      });
      if (!pid) return "lxc-start's monitor not found";
      monitors.push(Number(pid));
    }
    return monitors.map(memory);
  } finally {
    for (const n of names) Bun.spawnSync(["lxc-stop", "-n", n, "-P", path, "-k"], { stdio: ["ignore", "ignore", "ignore"] });
    rmSync(path, { recursive: true, force: true });
  }
}

export async function rssRows(count: number): Promise<string[]> {
  setup();
  const b = bundle("rss", ["sleep", "600"]);
  const left = (r: "lxcri" | "runc") => {
    const m = leftovers(r, b, count);
    return m === "none"
      ? `| ${r}: left running besides ${count} containers | 0 (none) | 0 (none) |`
      : row(`${r}: left running besides ${count} containers`, [m]);
  };
  const rows = [left("lxcri")];
  const lxc = lxcStartMonitors(b, count);
  rows.push(typeof lxc === "string" ? `| lxc-start's monitor | ${lxc} | |` : row(`lxc-start's monitor, ${count} containers`, lxc));
  rows.push(left("runc"));
  return rows;
}

if (import.meta.main) {
  console.log("| host memory per running container | Pss MB | Rss MB |\n|---|---|---|");
  for (const r of await rssRows(Number(process.argv[2] ?? 10))) console.log(r);
}
