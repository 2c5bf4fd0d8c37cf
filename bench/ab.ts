// Two lxcri builds side by side (A B A B …) on the lifecycle of one bundle,
// per phase: how docs/performance.md measured each optimisation. A build is
// an lxcri executable with its launcher, lxcri-monitor and .so helpers next
// to it (copy build/ somewhere before changing the code). Besides the wall
// time, each call's CPU time (user + system, its children's included: what
// it reaped), which a shared machine's load moves less.
// Run as root: bun bench/ab.ts <lxcri A> <lxcri B> [runs] [bundle]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { libc } from "../ffi/libc.ts";
import { freshCopy, bundle as makeBundle, median, setup, timedCall, work } from "./common.ts";

const [givenA, givenB, runsArg, bundleArg] = process.argv.slice(2);
if (!givenA || !givenB) throw new Error("usage: bun bench/ab.ts <lxcri A> <lxcri B> [runs] [bundle]");
const runs = Number(runsArg ?? 15);
setup();
// both builds run from copies made at one moment (common.ts freshCopy)
const a = freshCopy(givenA, join(work, "ab-fresh", "A"));
const b = freshCopy(givenB, join(work, "ab-fresh", "B"));
Bun.spawnSync(["sync"]);
const bundle = bundleArg ?? makeBundle("ab", ["true"]);
const pidFile = join(work, "ab.pid");

/** CPU ms of each call of the current lifecycle, in order. */
let cpu: number[] = [];

function call(bin: string, args: string[]): void {
  cpu.push(timedCall(bin, "/run/lxcri-ab", args, "ab").cpu);
}

/** [total, create, start, wait, delete] in ms, then CPU ms of create, start, delete. */
function phases(bin: string, id: string): number[] {
  cpu = [];
  const t = [performance.now()];
  call(bin, ["create", "--bundle", bundle, "--pid-file", pidFile, id]);
  t.push(performance.now());
  const monitor = Number(readFileSync(pidFile, "utf8"));
  call(bin, ["start", id]);
  t.push(performance.now());
  libc.waitpid(monitor, new Int32Array(1), 0);
  t.push(performance.now());
  call(bin, ["delete", id]);
  t.push(performance.now());
  return [t[4]! - t[0]!, t[1]! - t[0]!, t[2]! - t[1]!, t[3]! - t[2]!, t[4]! - t[3]!, ...cpu];
}

const results: Record<"A" | "B", number[][]> = { A: [], B: [] };
for (let i = 0; i < runs + 2; i++)
  for (const [k, bin] of [
    ["A", a],
    ["B", b],
  ] as const) {
    // The id ends in a letter: builds before d422e08 walked the whole cgroup tree at delete for any id
    // ending in -<digits>, which would hide every other difference in delete.
    const r = phases(bin, `ab-${i}-${k}`);
    if (i >= 2) results[k].push(r); // two warm-up rounds
  }
for (const k of ["A", "B"] as const) {
  const m = [0, 1, 2, 3, 4, 5, 6, 7].map((c) => median(results[k].map((r) => r[c]!)).toFixed(1));
  console.log(
    `${k}: total ${m[0]}  create ${m[1]}  start ${m[2]}  wait ${m[3]}  delete ${m[4]}  · CPU create ${m[5]}  start ${m[6]}  delete ${m[7]}  (ms, median of ${runs})`,
  );
}
