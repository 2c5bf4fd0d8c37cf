// crun, the fastest peer, beside runc and lxcri in the same conditions. crun
// 1.8 refuses this host's hybrid cgroups (v1 controllers and a cgroup2 mount
// at /sys/fs/cgroup/unified), so this bench runs in a mount namespace of its
// own without that mount (`unshare -m`, `umount /sys/fs/cgroup/unified`) —
// and runs lxcri and runc there too, so the three columns share conditions.
// The three alternate (lxcri runc crun lxcri …) after two warm-up rounds.
//   bun bench/crun.ts [runs]     (as root; BENCH_CRUN names another crun)
// `bun run bench` prints its table after the others.
import { existsSync, readFileSync } from "node:fs";
import { bundle, fmt, median, type Name, RUNTIMES, rt, setup } from "./common.ts";
import { lifecycle, timeCall } from "./lifecycle.ts";

const THREE: Name[] = ["lxcri", "runc", "crun"];
const UNIFIED = "/sys/fs/cgroup/unified";
const inNamespace = () => !readFileSync("/proc/self/mountinfo", "utf8").includes(` ${UNIFIED} `);

/** The table's rows, from inside the namespace. */
async function rows(n: number): Promise<string[]> {
  setup();
  const plain = bundle("crun-plain", ["true"]);
  const sleeper = bundle("crun-sleeper", ["sleep", "600"]);
  const parts = { total: "lifecycle of `true`", create: "· create", start: "· start", delete: "· delete" };
  const t: Record<string, Record<string, number[]>> = {};
  const push = (fig: string, name: Name, ms: number) => (((t[fig] ??= {})[name] ??= []).push(ms), undefined);
  for (let i = 0; i < n + 2; i++)
    for (const name of THREE) {
      const r = lifecycle(name, plain, `crunb-${i}`);
      if (i >= 2) for (const p of Object.keys(parts)) push(p, name, r[p]!);
    }
  for (const name of THREE) {
    rt(name, ["create", "--bundle", sleeper, "crunb-state"]);
    rt(name, ["start", "crunb-state"]);
  }
  for (let i = 0; i < n + 2; i++)
    for (const name of THREE) {
      const ms = timeCall(name, ["state", "crunb-state"]);
      if (i >= 2) push("state", name, ms);
    }
  for (const name of THREE) rt(name, ["delete", "--force", "crunb-state"]);
  for (let i = 0; i < n + 2; i++)
    for (const name of THREE) {
      const ms = timeCall(name, ["--version"], false);
      if (i >= 2) push("version", name, ms);
    }
  const figures: Record<string, string> = { ...parts, state: "`state` of a running container", version: "`--version`" };
  return Object.entries(figures).map(([k, figure]) => {
    const m = t[k]!;
    const ratio = (a: Name, b: Name) => (median(m[a]!) / median(m[b]!)).toFixed(2);
    return `| ${figure} | ${fmt(m.lxcri!)} | ${fmt(m.runc!)} | ${fmt(m.crun!)} | ${ratio("lxcri", "runc")} | ${ratio("lxcri", "crun")} | ${ratio("runc", "crun")} |`;
  });
}

/** Prints the table: in this process inside the namespace, or by running this file in one. Returns false when crun is missing. */
export async function crunTable(n: number): Promise<boolean> {
  if (!existsSync(RUNTIMES.crun.bin)) {
    console.log(`\n(no crun at ${RUNTIMES.crun.bin}: apt-get install crun, or BENCH_CRUN=<crun>; its table is left out)`);
    return false;
  }
  if (!inNamespace()) {
    const p = Bun.spawnSync(
      [
        "unshare",
        "-m",
        "--propagation",
        "private",
        "sh",
        "-c",
        `umount ${UNIFIED} && exec "$0" "$@"`,
        process.execPath,
        import.meta.path,
        String(n),
      ],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    if (p.exitCode !== 0) throw new Error(`bench/crun.ts in its mount namespace: exit ${p.exitCode}`);
    return true;
  }
  const body = await rows(n);
  const v = (name: Name) => Bun.spawnSync([RUNTIMES[name].bin, "--version"]).stdout.toString().split("\n")[0];
  console.log(
    `\nlxcri, runc and crun in a mount namespace without ${UNIFIED} (crun refuses the hybrid host otherwise), alternating, ${n} runs each after 2 warm-up rounds; ${v("crun")}; milliseconds, median (min–max)\n`,
  );
  console.log("| figure | lxcri | runc | crun | lxcri / runc | lxcri / crun | runc / crun |\n|---|---|---|---|---|---|---|");
  for (const r of body) console.log(r);
  return true;
}

if (import.meta.main) await crunTable(Number(process.argv[2] ?? 20));
