// Several lxcri builds' create alone, interleaved (A B C A B C …): each create's wall time and
// CPU time (user + system of create and what it reaped: the monitor), each container deleted
// between rounds, out of the timing. Fresh copies made at one moment (common.ts freshCopy).
// Run as root: bun bench/create-ab.ts <runs> <lxcri A> <lxcri B> [more builds…]
import { join } from "node:path";
import { freshCopy, bundle as makeBundle, median, setup, timedCall, work } from "./common.ts";

const [runsArg, ...given] = process.argv.slice(2);
if (given.length < 1) throw new Error("usage: bun bench/create-ab.ts <runs> <lxcri A> [<lxcri B> …]");
const runs = Number(runsArg);
setup();
const bins = given.map((g, i) => freshCopy(g, join(work, "create-ab-fresh", String(i))));
Bun.spawnSync(["sync"]);
const bundle = process.env.BENCH_BUNDLE ?? makeBundle("create-ab", ["true"]);
const root = "/run/lxcri-create-ab";

const call = (bin: string, args: string[]) => timedCall(bin, root, args, "create-ab");

const wall: number[][] = bins.map(() => []);
const cpu: number[][] = bins.map(() => []);
for (let i = 0; i < runs + 2; i++)
  bins.forEach((bin, j) => {
    const id = `cab-${i}-${j}x`;
    const r = call(bin, ["create", "--bundle", bundle, id]);
    call(bin, ["delete", "--force", id]);
    if (i >= 2) {
      wall[j]!.push(r.wall);
      cpu[j]!.push(r.cpu);
    }
  });
bins.forEach((_, j) =>
  console.log(`${given[j]}: create ${median(wall[j]!).toFixed(2)} · CPU ${median(cpu[j]!).toFixed(2)} (ms, median of ${runs})`),
);
