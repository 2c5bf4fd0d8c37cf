// The hot calls (`start`, `state`, `kill`, `delete`) of lxcri builds side by
// side, each call timed on its own, the builds alternating in every round
// (A B, then B A, …) so that a moving load meets each alike: how
// docs/performance.md measured round 5 of issue 23. Per call the median wall
// time as the caller sees it (the spawn included) and the median CPU time
// (user + system), which a shared machine's load moves least. A build is an
// lxcri executable with lxcri-init and lxcri-monitor beside it (copy build/
// somewhere before changing the code). Every build is copied afresh, all at
// the same moment, and run from the copy: on this host an executable copied
// twenty minutes earlier ran the same calls ~1 ms slower than a fresh copy of
// the same bytes (docs/performance.md, "Issue 23, round 5").
//   bun bench/hot-ab.ts <runs> <lxcri A> <lxcri B> [more builds…]
// BENCH_HOT_CREATOR: the lxcri that creates the containers (for a scratch
// build); BENCH_HOT=start,kill: only those calls are timed, the creator runs
// the others; BENCH_HOT_RUNC=1: runc 1.1.5 (a fresh copy) runs among the
// builds, and the last column is the first build's time over runc's. BENCH_HOT_TAG=<word>: a
// state root and container ids of its own (default: this process's pid; sessions benching at once must not share them).
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { bundle, freshCopy, median, RUNTIMES, timedCall, work } from "./common.ts";

const [runsArg, ...given] = process.argv.slice(2);
if (!runsArg || given.length < 1) throw new Error("usage: bun bench/hot-ab.ts <runs> <lxcri A> [lxcri B …]");
const runs = Number(runsArg);

const copies = join(work, "hot-ab");
const withRunc = process.env.BENCH_HOT_RUNC === "1";
if (withRunc) given.push(RUNTIMES.runc.bin);
const bins = given.map((bin, b) => freshCopy(bin, join(copies, String(b))));
const runcAt = withRunc ? bins.length - 1 : -1;
const creator = process.env.BENCH_HOT_CREATOR && freshCopy(process.env.BENCH_HOT_CREATOR, join(copies, "creator"));
Bun.spawnSync(["sync"]); // the copies written out before anything is timed
const timed = process.env.BENCH_HOT?.split(",");
// a root and ids of its own by default: two runs at once (other sessions' benches) would delete each other's containers
const tag = process.env.BENCH_HOT_TAG ?? String(process.pid);
if (!/^[a-z0-9]*$/.test(tag)) throw new Error("BENCH_HOT_TAG: lower-case letters and digits only");
const root = `/run/lxcri-bench-hot-ab-${tag}`;
const calls = ["start", "state", "kill", "delete"] as const;
type CallName = (typeof calls)[number];

// not setup(): this process must not be a subreaper (the containers' inits would become its zombies)
mkdirSync(work, { recursive: true });
mkdirSync(root, { recursive: true });
rmSync(join(work, "hot-ab-sleeper"), { recursive: true, force: true }); // busybox may be running from an older copy
const sleeper = bundle("hot-ab-sleeper", ["sleep", "600"]);
/** call → build → [wall ms, CPU ms] of each run */
const got = Object.fromEntries(calls.map((c) => [c, bins.map(() => [] as [number, number][])])) as Record<CallName, [number, number][][]>;

function run(bin: string, args: string[]): [number, number] {
  const { wall, cpu } = timedCall(bin, root, args, "hot-ab");
  return [wall, cpu];
}

/** The call by build `b` (timed), or by the creator when only other calls are timed. */
function call(b: number, name: CallName, args: string[]): void {
  if (timed && !timed.includes(name)) run(b === runcAt ? bins[b]! : (creator ?? bins[b]!), args);
  else got[name][b]!.push(run(bins[b]!, args));
}

const id = (b: number) => `hotab${tag}${b}`;
const maker = (b: number) => (b === runcAt ? bins[b]! : (creator ?? bins[b]!));
const cleanup = () => bins.forEach((_, b) => Bun.spawnSync([maker(b), "--root", root, "delete", "-f", id(b)]));
/** The container's init: lxcri's record names it, runc's state.json. */
const initOf = (b: number): number =>
  b === runcAt
    ? (JSON.parse(readFileSync(join(root, id(b), "state.json"), "utf8")) as { init_process_pid: number }).init_process_pid
    : (JSON.parse(readFileSync(join(root, id(b), "record.json"), "utf8")) as { initPid: number }).initPid;
cleanup(); // what an interrupted run left
for (let i = 0; i < runs; i++) {
  const order = bins.map((_, b) => b);
  if (i % 2) order.reverse();
  for (const b of order) {
    run(maker(b), ["create", "--bundle", sleeper, id(b)]);
    call(b, "start", ["start", id(b)]);
    call(b, "state", ["state", id(b)]);
    call(b, "kill", ["kill", id(b), "KILL"]);
    // delete a stopped container: init gone or a zombie first
    const initPid = initOf(b);
    for (let k = 0; k < 1000 && existsSync(`/proc/${initPid}`) && !/\) Z /.test(readFileSync(`/proc/${initPid}/stat`, "utf8")); k++)
      Bun.sleepSync(1);
    call(b, "delete", ["delete", id(b)]);
  }
}
cleanup();
rmSync(root, { recursive: true, force: true });

const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`${runs} runs, builds alternating; load average ${load}; ms: median wall · median CPU (user + system)\n`);
console.log(`| call | ${given.join(" | ")} |${withRunc ? " first / runc (wall, CPU) |" : ""}`);
console.log(`|---|${bins.map(() => "---|").join("")}${withRunc ? "---|" : ""}`);
for (const c of calls) {
  if (!got[c][0]!.length) continue;
  const cells = got[c].map((xs) => `${median(xs.map((x) => x[0])).toFixed(2)} · ${median(xs.map((x) => x[1])).toFixed(2)}`);
  const m = (b: number, k: 0 | 1) => median(got[c][b]!.map((x) => x[k]));
  const ratio = withRunc ? ` ${(m(0, 0) / m(runcAt, 0)).toFixed(2)}, ${(m(0, 1) / m(runcAt, 1)).toFixed(2)} |` : "";
  console.log(`| ${c} | ${cells.join(" | ")} |${ratio}`);
}
