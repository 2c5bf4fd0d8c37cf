// Start-up of the calls that do almost nothing: `--version`, `state` of a
// created container and `state` of a missing id, lxcri beside runc, measured
// with hyperfine -N (apt-get install -y hyperfine). Run as root:
//   bun bench/startup.ts [runs] [extra lxcri binaries…]
// Extra binaries (say a build of another commit, or a hello-world
// `bun build --compile` program for Bun's floor) get the same rows. On a
// shared machine the load moves between hyperfine's blocks of runs, so the
// whole set is repeated (BENCH_ROUNDS, default 3) and each figure is the
// median over the rounds of hyperfine's mean; ratios are per round, then
// the median. A second table runs the same calls alternating, one at a
// time, which a moving load affects alike.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { bundle, median, rt, RUNTIMES, setup, work } from "./common.ts";

const runs = Number(process.argv[2] ?? 50);
const extra = process.argv.slice(3);
setup();
const sleeper = bundle("startup", ["sleep", "600"]);
const ID = "bench-startup";
for (const name of ["lxcri", "runc"] as const) {
  try {
    rt(name, ["delete", "--force", ID]);
  } catch {
    /* none left from before */
  }
  rt(name, ["create", "--bundle", sleeper, ID]);
}

const bins: [string, string, string][] = [
  ["lxcri", RUNTIMES.lxcri.bin, RUNTIMES.lxcri.root],
  ["runc", RUNTIMES.runc.bin, RUNTIMES.runc.root],
  ...extra.map((b): [string, string, string] => [basename(b), b, RUNTIMES.lxcri.root]),
];
const cases: [string, (bin: string, root: string) => string][] = [
  ["--version", (bin) => `${bin} --version`],
  ["state of a created container", (bin, root) => `${bin} --root ${root} state ${ID}`],
  ["state of a missing id", (bin, root) => `${bin} --root ${root} state no-such-${ID}`],
];
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const out = join(work, "startup");
mkdirSync(out, { recursive: true });
/** figure → binary → hyperfine's mean (ms) of each round */
const means: Record<string, Record<string, number[]>> = {};
for (let round = 0; round < rounds; round++)
  for (const [figure, cmd] of cases) {
    const file = join(out, "result.json");
    const commands = bins.map(([, bin, root]) => cmd(bin, root));
    const p = Bun.spawnSync(
      ["hyperfine", "-N", "-i", "--warmup", "10", "--runs", String(runs), "--export-json", file, "--style", "none", ...commands],
      { stdout: "ignore", stderr: "ignore" },
    );
    if (p.exitCode !== 0) throw new Error(`hyperfine failed (${p.exitCode})`);
    const results = JSON.parse(readFileSync(file, "utf8")).results as { mean: number }[];
    const m = (means[figure] ??= {});
    bins.forEach(([name], i) => (m[name] ??= []).push(results[i]!.mean * 1000));
    rmSync(file);
  }
/** The same calls one at a time, every binary in turn (A B C A B C …): the load is the same for all of them. */
const alternating: Record<string, Record<string, number[]>> = {};
for (let i = 0; i < 10 + runs * rounds; i++)
  for (const [figure, cmd] of cases)
    for (const [name, bin, root] of bins) {
      const t0 = performance.now();
      Bun.spawnSync(cmd(bin, root).split(" "), { stdio: ["ignore", "ignore", "ignore"] });
      if (i >= 10) ((alternating[figure] ??= {})[name] ??= []).push(performance.now() - t0);
    }
for (const name of ["lxcri", "runc"] as const) rt(name, ["delete", "--force", ID]);

const others = bins.filter(([n]) => n !== "runc").map(([n]) => n);
console.log(
  `hyperfine -N --warmup 10 --runs ${runs}, ${rounds} rounds; ms: median of the rounds' means (min–max); ratio: median of the rounds'\n`,
);
console.log(`| figure | ${bins.map(([n]) => n).join(" | ")} | ${others.map((n) => `${n} / runc`).join(" | ")} |`);
console.log(`|---|${bins.map(() => "---|").join("")}${others.map(() => "---|").join("")}`);
for (const [figure] of cases) {
  const m = means[figure]!;
  const cells = bins.map(([n]) => `${median(m[n]!).toFixed(2)} (${Math.min(...m[n]!).toFixed(2)}–${Math.max(...m[n]!).toFixed(2)})`);
  const ratios = others.map((n) => median(m[n]!.map((v, i) => v / m.runc![i]!)).toFixed(2));
  console.log(`| ${figure} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`);
}
console.log(`\nthe same, alternating, ${runs * rounds} runs each after 10 warm-up rounds; ms: median (min); ratio of the medians\n`);
console.log(`| figure | ${bins.map(([n]) => n).join(" | ")} | ${others.map((n) => `${n} / runc`).join(" | ")} |`);
console.log(`|---|${bins.map(() => "---|").join("")}${others.map(() => "---|").join("")}`);
for (const [figure] of cases) {
  const m = alternating[figure]!;
  const cells = bins.map(([n]) => `${median(m[n]!).toFixed(2)} (${Math.min(...m[n]!).toFixed(2)})`);
  const ratios = others.map((n) => (median(m[n]!) / median(m.runc!)).toFixed(2));
  console.log(`| ${figure} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`);
}
