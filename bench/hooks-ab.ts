// What each hook type costs, lxcri builds beside runc: the lifecycle of `true`
// (create, start, wait, delete) of one bundle per hook type (one trivial hook,
// /bin/true, of that type only), of one with a hook of each type and of one
// with none, every runtime alternating in each round (A B runc, then the
// reverse) so a moving load meets each alike, all run from copies made at one
// moment (common.ts freshCopy). Per bundle and runtime the median wall time of
// create, start and delete as the caller sees them, and the median CPU time
// of each call (user + system, what it reaped included); then each type's
// cost: its bundle's median less the plain bundle's, per phase. How
// docs/performance.md measured "Issue 23, round 6: the hooks figure".
// Run as root: bun bench/hooks-ab.ts <runs> <lxcri A> [lxcri B …]
// BENCH_HOOK_TYPES=prestart,poststop: only those bundles (and plain, all).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { libc } from "../ffi/libc.ts";
import { HOOK_TYPES, type Hooks } from "../src/spec/types.ts";
import { bundle, freshCopy, median, RUNTIMES, setup, timedCall, work } from "./common.ts";

const [runsArg, ...given] = process.argv.slice(2);
if (!runsArg || !given.length) throw new Error("usage: bun bench/hooks-ab.ts <runs> <lxcri A> [lxcri B …]");
const runs = Number(runsArg);
setup();
const names = [...given.map((_, i) => String.fromCharCode(65 + i)), "runc"];
const bins = [...given.map((bin, i) => freshCopy(bin, join(work, "hooks-ab", String(i)))), RUNTIMES.runc.bin];
Bun.spawnSync(["sync"]);
const roots = names.map((n) => `/run/lxcri-bench-hooks-ab-${n}`);

const trivial = { path: "/bin/true", args: ["true"] };
const types = process.env.BENCH_HOOK_TYPES === undefined ? [...HOOK_TYPES] : process.env.BENCH_HOOK_TYPES.split(",").filter(Boolean);
const bundles: Record<string, string> = { plain: bundle("hooks-ab-plain", ["true"]) };
for (const t of types) bundles[t] = bundle(`hooks-ab-${t}`, ["true"], { [t]: [trivial] } as Hooks);
bundles.all = bundle("hooks-ab-all", ["true"], Object.fromEntries(HOOK_TYPES.map((t) => [t, [trivial]])) as Hooks);
const pidFile = join(work, "hooks-ab.pid");

/** CPU ms of runtime `r`'s call. */
const call = (r: number, args: string[]): number => timedCall(bins[r]!, roots[r]!, args, "hooks-ab").cpu;

const PHASES = ["create", "start", "delete", "total", "cpu create", "cpu start", "cpu delete"] as const;
/** bundle → runtime → phase → ms of each run */
const got: Record<string, Record<string, Record<string, number[]>>> = {};

function lifecycle(r: number, b: string, id: string): void {
  const t0 = performance.now();
  const c1 = call(r, ["create", "--bundle", bundles[b]!, "--pid-file", pidFile, id]);
  const t1 = performance.now();
  const pid = Number(readFileSync(pidFile, "utf8"));
  const c2 = call(r, ["start", id]);
  const t2 = performance.now();
  libc.waitpid(pid, new Int32Array(1), 0);
  const t3 = performance.now();
  const c3 = call(r, ["delete", id]);
  const t4 = performance.now();
  const row = [t1 - t0, t2 - t1, t4 - t3, t4 - t0, c1, c2, c3];
  const slot = ((got[b] ??= {})[names[r]!] ??= Object.fromEntries(PHASES.map((p) => [p, [] as number[]])));
  PHASES.forEach((p, i) => slot[p]!.push(row[i]!));
}

for (let i = 0; i < runs + 2; i++)
  for (const b of Object.keys(bundles)) {
    const order = bins.map((_, r) => r);
    if (i % 2) order.reverse();
    for (const r of order) lifecycle(r, b, `hab-${b}-${i}-x`);
    if (i < 2) delete got[b]; // warm-up rounds
  }

const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const m = (b: string, n: string, p: string) => median(got[b]![n]![p]!);
console.log(`${runs} runs, runtimes alternating; load average ${load}; ms, medians; A..: ${given.join(", ")}\n`);
console.log(`| bundle | runtime | create | start | delete | total | CPU create · start · delete |`);
console.log("|---|---|---|---|---|---|---|");
for (const b of Object.keys(bundles))
  for (const n of names)
    console.log(
      `| ${b} | ${n} | ${["create", "start", "delete", "total"].map((p) => m(b, n, p).toFixed(1)).join(" | ")} | ${["cpu create", "cpu start", "cpu delete"].map((p) => m(b, n, p).toFixed(1)).join(" · ")} |`,
    );
console.log(`\nwhat each type adds to the plain lifecycle (median less plain's): wall total (create, start, delete) · CPU total\n`);
console.log(`| type | ${names.join(" | ")} |`);
console.log(`|---|${names.map(() => "---|").join("")}`);
for (const b of Object.keys(bundles).filter((b) => b !== "plain")) {
  const cells = names.map((n) => {
    const d = (p: string) => m(b, n, p) - m("plain", n, p);
    const cpu = d("cpu create") + d("cpu start") + d("cpu delete");
    return `${d("total").toFixed(1)} (${d("create").toFixed(1)}, ${d("start").toFixed(1)}, ${d("delete").toFixed(1)}) · ${cpu.toFixed(1)}`;
  });
  console.log(`| ${b} | ${cells.join(" | ")} |`);
}
