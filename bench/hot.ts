// The hot calls one by one — `start`, `state`, `kill`, `delete` — with
// hyperfine -N (apt-get install -y hyperfine), for lxcri builds beside runc:
//   bun bench/hot.ts [runs] [lxcri executables…]   (default: build/lxcri)
// Each call's container is made by hyperfine's --prepare with the same
// executable (runc's with runc), so only the call itself is timed. Prints
// the median wall time and hyperfine's mean user + system CPU per call;
// BENCH_HOT=start,state picks the calls, BENCH_ROUNDS (2) repeats the set
// so a moving load shows as a range; BENCH_HOT_CREATOR below.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bundle, freshCopy, median, RUNTIMES, work } from "./common.ts";

const runs = Number(process.argv[2] ?? 100);
const given = process.argv.length > 3 ? process.argv.slice(3) : [RUNTIMES.lxcri.bin];
// every executable copied at one moment, runc's too (common.ts freshCopy)
const bins = given.map((bin, i) => freshCopy(bin, join(work, "hot-fresh", String(i))));
const runcBin = freshCopy(RUNTIMES.runc.bin, join(work, "hot-fresh", "runc"));
Bun.spawnSync(["sync"]); // the copies written out before anything is timed
const calls = (process.env.BENCH_HOT ?? "start,state,kill,delete").split(",");
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const root = "/run/lxcri-bench-hot";
const all = [...bins, runcBin];
const id = (i: number) => `hot${i}`;
const q = (bin: string, args: string) => `${bin} --root ${root} ${args}`;
// BENCH_HOT_CREATOR: the lxcri that prepares the containers (for a scratch build that can only run the timed call)
const maker = (bin: string) => (bin === runcBin ? bin : (process.env.BENCH_HOT_CREATOR ?? bin));
const fresh = (b0: string, i: number, b: string, started: boolean, bin = maker(b0)) =>
  `sh -c '${q(bin, `delete -f ${id(i)}`)} >/dev/null 2>&1; ${q(bin, `create --bundle ${b} ${id(i)}`)}${started ? ` && ${q(bin, `start ${id(i)}`)}` : ""}'`;

// not setup(): this process must not be a subreaper (the containers' inits would become its zombies)
mkdirSync(work, { recursive: true });
mkdirSync(root, { recursive: true });
// stdio ignored: a container inherits it, and a pipe it holds would never reach EOF
const sh = (cmd: string) => Bun.spawnSync(["sh", "-c", cmd], { stdio: ["ignore", "ignore", "ignore"] });
const cleanup = () => all.forEach((bin, i) => sh(`${q(maker(bin), `delete -f ${id(i)}`)}`));
cleanup(); // what an interrupted run left
// made afresh: copying busybox over one a process still runs would fail (ETXTBSY)
for (const b of ["hot-sleeper", "hot-true"]) rmSync(join(work, b), { recursive: true, force: true });
const sleeper = bundle("hot-sleeper", ["sleep", "600"]);
const once = bundle("hot-true", ["true"]);
/** call → executable's index → [median wall, mean user+system] of each round */
const out: Record<string, [number, number][][]> = {};
const file = join(work, "hot.json");
for (let round = 0; round < rounds; round++)
  for (const call of calls) {
    const args: string[] = [];
    all.forEach((bin, i) => {
      if (call === "start") args.push("--prepare", fresh(bin, i, sleeper, false), q(bin, `start ${id(i)}`));
      // a stopped container: `true` has exited by the time the prepare's shell is gone and hyperfine starts
      else if (call === "delete")
        args.push("--prepare", `sh -c '${fresh(bin, i, once, true).slice(7, -1)}; sleep 0.05'`, q(bin, `delete ${id(i)}`));
      else if (call === "kill") args.push("--prepare", fresh(bin, i, sleeper, true), q(bin, `kill ${id(i)} KILL`));
      else if (call === "state") {
        sh(fresh(bin, i, sleeper, true).slice(7, -1));
        args.push(q(bin, `state ${id(i)}`));
      }
    });
    const p = Bun.spawnSync(
      ["hyperfine", "-N", "--warmup", "5", "--runs", String(runs), "--export-json", file, "--style", "none", ...args],
      {
        stdout: "ignore",
        stderr: "inherit",
      },
    );
    if (p.exitCode !== 0) throw new Error(`hyperfine failed on ${call} (${p.exitCode})`);
    const results = JSON.parse(readFileSync(file, "utf8")).results as { times: number[]; user: number; system: number }[];
    results.forEach((r, i) => ((out[call] ??= [])[i] ??= []).push([median(r.times) * 1000, (r.user + r.system) * 1000]));
    rmSync(file);
  }
cleanup();

const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(
  `hyperfine -N, ${runs} runs × ${rounds} rounds; load average ${load}; ms: median wall (range over rounds) · mean CPU; ratio of the wall medians to runc\n`,
);
console.log(`| call | ${[...given, RUNTIMES.runc.bin].join(" | ")} | ${bins.map(() => "/ runc").join(" | ")} |`);
console.log(`|---|${all.map(() => "---|").join("")}${bins.map(() => "---|").join("")}`);
const range = (xs: number[]) => (xs.length > 1 ? ` (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})` : "");
for (const call of calls) {
  const r = out[call]!;
  const cells = r.map(
    (xs) => `${median(xs.map((x) => x[0])).toFixed(2)}${range(xs.map((x) => x[0]))} · ${median(xs.map((x) => x[1])).toFixed(2)}`,
  );
  const runc = median(r[r.length - 1]!.map((x) => x[0]));
  console.log(
    `| ${call} | ${cells.join(" | ")} | ${r
      .slice(0, -1)
      .map((xs) => (median(xs.map((x) => x[0])) / runc).toFixed(2))
      .join(" | ")} |`,
  );
}
