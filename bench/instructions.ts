// Instructions per CLI call, counted by valgrind's callgrind: repeatable
// whatever else the machine is doing (a shared machine's wall times move by
// 10–30 % between runs; these move by well under 1 %). Each call of a
// lifecycle of `sleep` (`--version`, state of a created container, state of a
// running one) runs under callgrind, for every build given, the builds
// alternating; the other calls run natively. start, kill and delete cannot be
// counted so: valgrind 3.19 does not know pidfd_open (434), which they use
// since issue 18, and they fail under it (bench/ab.ts times them instead).
// Counts all of the call's threads; not its children (init, the monitor).
// Run as root: bun bench/instructions.ts [runs] <lxcri A> [<lxcri B> …]
// (apt-get install valgrind; an executable per build, as bench/ab.ts).
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { libc } from "../ffi/libc.ts";
import { bundle, median, setup, work } from "./common.ts";

const [runsArg, ...bins] = process.argv.slice(2);
if (!bins.length) throw new Error("usage: bun bench/instructions.ts [runs] <lxcri A> [<lxcri B> …]");
const runs = Number(runsArg ?? 3);
setup();
const sleeper = bundle("instructions", ["sleep", "600"]);
const ROOT = "/run/lxcri-instructions";
const out = join(work, "callgrind.out");

function call(bin: string, args: string[], counted: boolean): number {
  const cmd = args[0] === "--version" ? [bin, ...args] : [bin, "--root", ROOT, ...args];
  // stderr to a file: the container's init inherits it, and a pipe would never reach EOF.
  const errFile = join(work, "instructions.stderr");
  const err = openSync(errFile, "w");
  const p = Bun.spawnSync({
    cmd: counted ? ["valgrind", "--tool=callgrind", `--callgrind-out-file=${out}`, ...cmd] : cmd,
    stdio: ["ignore", "ignore", err],
  });
  closeSync(err);
  if (p.exitCode !== 0) throw new Error(`${cmd.join(" ")}: exit ${p.exitCode}: ${readFileSync(errFile, "utf8")}`);
  if (!counted) return 0;
  const total = /^summary: (\d+)/m.exec(readFileSync(out, "utf8"));
  rmSync(out, { force: true });
  if (!total) throw new Error(`${cmd.join(" ")}: no callgrind summary`);
  return Number(total[1]);
}

const STEPS = ["--version", "state (created)", "state (running)"] as const;
const counts = bins.map(() => Object.fromEntries(STEPS.map((s) => [s, [] as number[]])) as Record<string, number[]>);
for (let i = 0; i < runs; i++)
  bins.forEach((bin, b) => {
    const id = `instr-${process.pid}-${i}-${b}`;
    const c = counts[b]!;
    c["--version"]!.push(call(bin, ["--version"], true));
    call(bin, ["create", "--bundle", sleeper, "--pid-file", join(work, "instr.pid"), id], false);
    const init = Number(readFileSync(join(work, "instr.pid"), "utf8"));
    c["state (created)"]!.push(call(bin, ["state", id], true));
    call(bin, ["start", id], false);
    c["state (running)"]!.push(call(bin, ["state", id], true));
    call(bin, ["kill", id, "KILL"], false);
    libc.waitpid(init, new Int32Array(1), 0); // the bench is a subreaper: init is its child now
    call(bin, ["delete", id], false);
  });
const M = (xs: number[]) => (median(xs) / 1e6).toFixed(2);
console.log(`| call | ${bins.join(" | ")} |${bins.length > 1 ? " B/A |" : ""}`);
console.log(`|---|${bins.map(() => "---|").join("")}${bins.length > 1 ? "---|" : ""}`);
for (const s of STEPS) {
  const ms = counts.map((c) => c[s]!);
  const spread = ms.map((xs) => `${M(xs)} (${(Math.min(...xs) / 1e6).toFixed(2)}–${(Math.max(...xs) / 1e6).toFixed(2)})`);
  const ratio = bins.length > 1 ? ` ${(median(ms[1]!) / median(ms[0]!)).toFixed(3)} |` : "";
  console.log(`| ${s} | ${spread.join(" | ")} |${ratio}`);
}
console.log(`(million instructions under callgrind, median (min–max) of ${runs})`);
