// `bun run bench`: every figure of issue 6 in one run, printed as the tables
// in docs/performance.md, and Bun's floor beside them (bench/floor.ts: the least
// ratio to runc each step could reach). Run as root after `bun run build`.
//   bun bench/main.ts [runs]          runs per figure (default 20; BENCH_RUNS too)
//   BENCH_PARALLEL_ROUNDS (3), BENCH_RSS_COUNT (10), BENCH_MANY (200, 0 skips it),
//   BENCH_LXCRI (another lxcri executable to bench against runc), BENCH_CRUN
//   (crun's table, bench/crun.ts: all three in a mount namespace of their own)
import { readFileSync } from "node:fs";
import { crunTable } from "./crun.ts";
import { buildFloor, floorRow, floorTable } from "./floor.ts";
import { lifecycleRows } from "./lifecycle.ts";
import { manyRow } from "./many.ts";
import { parallelRow } from "./parallel.ts";
import { rssRows } from "./rss.ts";
import { RUNTIMES, version } from "./common.ts";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const runs = Number(process.argv[2] ?? env("BENCH_RUNS", 20));

const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "?";
const cores = readFileSync("/proc/cpuinfo", "utf8").match(/^processor/gm)?.length;
console.log(
  `${new Date().toISOString()} · ${version(RUNTIMES.lxcri.bin)} on Bun ${Bun.version} · ${version(RUNTIMES.runc.bin)} · kernel ${readFileSync("/proc/sys/kernel/osrelease", "utf8").trim()} · ${cores} × ${cpu}`,
);
console.log(`\nlxcri vs runc, alternating (A B A B …), ${runs} runs each after 2 warm-up rounds; milliseconds, median (min–max)\n`);
console.log("| figure | lxcri | runc | ratio |\n|---|---|---|---|");
const floor = await buildFloor();
for (const r of await lifecycleRows(runs)) console.log(r);
console.log(await floorRow(runs, floor));
console.log(await parallelRow(env("BENCH_PARALLEL_ROUNDS", 3)));

console.log("\nWhat Bun's floor leaves (medians of the rows above; ms)\n");
for (const r of floorTable()) console.log(r);

await crunTable(runs);

console.log("\n| host memory per running container | Pss MB | Rss MB |\n|---|---|---|");
for (const r of await rssRows(env("BENCH_RSS_COUNT", 10))) console.log(r);

const many = env("BENCH_MANY", 200);
if (many > 0) {
  console.log("\n| figure | result | time | problems |\n|---|---|---|---|");
  console.log(await manyRow("lxcri", many));
}
