// What every bench shares: the runtimes, running them, bundles, medians.
// crun is benched only by bench/crun.ts (it needs a mount namespace of its own).
// Run as root. The bench process is a subreaper, so each runtime's container
// init (its pid-file process) is re-parented to it. BENCH_LXCRI=<executable>
// benches another lxcri build against runc (an older one, for a before/after;
// the library figure always runs this checkout's src/).
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { libc } from "../ffi/libc.ts";
import { settle } from "./folios.ts";
import { makeBundle } from "../scripts/make-bundle.ts";
import type { Hooks } from "../src/spec/types.ts";

export const repo = join(import.meta.dir, "..");
export const work = join(repo, "build", "bench");
export const RUNTIMES = {
  lxcri: { bin: process.env.BENCH_LXCRI ?? join(repo, "build", "lxcri"), root: "/run/lxcri-bench" },
  runc: { bin: "/usr/sbin/runc", root: "/run/runc-bench" },
  crun: { bin: process.env.BENCH_CRUN ?? "/usr/bin/crun", root: "/run/crun-bench" },
};
export type Name = keyof typeof RUNTIMES;

/**
 * A fresh copy of the executable `bin` in `dir` (an lxcri build with its helpers beside it): its
 * path there. On this host an executable copied or installed a while ago starts slower than a fresh
 * copy of the same bytes (runc's installed one by 0.5 ms of CPU a call, docs/performance.md, "Issue
 * 23, round 5"): what a comparison runs is copied at one moment.
 */
export function freshCopy(bin: string, dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of [basename(bin), "lxcri-init", "lxcri-monitor"]) {
    if (f !== basename(bin) && (basename(bin) !== "lxcri" || !existsSync(join(dirname(bin), f)))) continue;
    copyFileSync(join(dirname(bin), f), join(dir, f));
    chmodSync(join(dir, f), 0o755);
  }
  // its page cache in large folios, as every other copy's: a copy's pages can land in small ones, which cost
  // `--version` up to 1.7 ms more (docs/performance.md, "Issue 23, round 7: the executable's layout")
  settle(join(dir, basename(bin)));
  return join(dir, basename(bin));
}
export const NAMES: Name[] = ["lxcri", "runc"];

let ready = false;
export function setup(): void {
  if (ready) return;
  if (libc.syscall(157, 36, 1, 0, 0, 0) !== 0n) throw new Error("prctl(PR_SET_CHILD_SUBREAPER) failed: run as root on Linux");
  mkdirSync(work, { recursive: true });
  for (const r of Object.values(RUNTIMES)) mkdirSync(r.root, { recursive: true });
  // every runtime runs from a copy made now (freshCopy): an old executable file starts slower here
  for (const [name, r] of Object.entries(RUNTIMES)) if (existsSync(r.bin)) r.bin = freshCopy(r.bin, join(work, "fresh", name));
  Bun.spawnSync(["sync"]);
  ready = true;
}

/**
 * Runs `bin --root root args…` to completion: its wall time as the caller sees it (the spawn
 * included) and its CPU time (user + system, what it reaped included), in ms. The container
 * inherits its stdio: a pipe would stay open, so stderr goes to a file (`stderr.<tag>`), which an
 * error quotes.
 */
export function timedCall(bin: string, root: string, args: string[], tag: string): { wall: number; cpu: number } {
  const errFile = join(work, `stderr.${tag}`);
  const err = openSync(errFile, "w");
  const t = performance.now();
  const p = Bun.spawnSync({ cmd: [bin, "--root", root, ...args], stdio: ["ignore", "ignore", err] });
  const wall = performance.now() - t;
  closeSync(err);
  if (p.exitCode !== 0) throw new Error(`${bin} ${args.join(" ")}: exit ${p.exitCode}: ${readFileSync(errFile, "utf8")}`);
  return { wall, cpu: Number(p.resourceUsage.cpuTime.total) / 1000 };
}

/** Runs a runtime command to completion. */
export function rt(name: Name, args: string[]): void {
  const r = RUNTIMES[name];
  timedCall(r.bin, r.root, args, name);
}

/** `bin --root root args…` to completion without blocking (for many containers at once); stderr as timedCall's. */
export async function asyncCall(bin: string, root: string, args: string[], tag: string): Promise<void> {
  const errFile = join(work, `stderr.${tag}`);
  const err = openSync(errFile, "w");
  const p = Bun.spawn({ cmd: [bin, "--root", root, ...args], stdio: ["ignore", "ignore", err] });
  const code = await p.exited;
  closeSync(err);
  if (code !== 0) throw new Error(`${bin} ${args.join(" ")}: exit ${code}: ${readFileSync(errFile, "utf8")}`);
}

/** A runtime command without blocking. */
export function rtAsync(name: Name, args: string[], tag: string): Promise<void> {
  const r = RUNTIMES[name];
  return asyncCall(r.bin, r.root, args, `${name}.${tag}`);
}

export function bundle(name: string, args: string[], hooks?: Hooks): string {
  const b = makeBundle(join(work, name), args);
  if (hooks) {
    const file = join(b, "config.json");
    const spec = JSON.parse(readFileSync(file, "utf8"));
    spec.hooks = hooks;
    writeFileSync(file, JSON.stringify(spec));
  }
  return b;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const fmt = (xs: number[]) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;

/** Each figure's medians as compare and compareParts last printed them, by the figure's label (bench/floor.ts reads runc's). */
export const medians = new Map<string, { lxcri: number; runc: number }>();

/** Table rows, one per named part of each run: lxcri and runc alternating (A B A B …) after `warmup` rounds, medians and their ratio. */
export async function compareParts(
  figures: Record<string, string>,
  run: (name: Name, i: number) => Record<string, number> | Promise<Record<string, number>>,
  n: number,
  warmup = 2,
): Promise<string[]> {
  const times: Record<string, Record<string, number[]>> = {};
  for (const part of Object.keys(figures)) times[part] = { lxcri: [], runc: [] };
  for (let i = 0; i < n + warmup; i++)
    for (const name of NAMES) {
      const parts = await run(name, i);
      if (i >= warmup) for (const [part, ms] of Object.entries(parts)) times[part]![name]!.push(ms);
    }
  return Object.entries(figures).map(([part, figure]) => {
    const t = times[part]!;
    medians.set(figure, { lxcri: median(t.lxcri!), runc: median(t.runc!) });
    return `| ${figure} | ${fmt(t.lxcri!)} | ${fmt(t.runc!)} | ${(median(t.lxcri!) / median(t.runc!)).toFixed(2)} |`;
  });
}

/** A table row: lxcri and runc alternating (A B A B …) after `warmup` rounds, medians and their ratio. */
export async function compare(
  figure: string,
  run: (name: Name, i: number) => number | Promise<number>,
  n: number,
  warmup = 2,
): Promise<string> {
  const times: Record<string, number[]> = { lxcri: [], runc: [] };
  for (let i = 0; i < n + warmup; i++)
    for (const name of NAMES) {
      const ms = await run(name, i);
      if (i >= warmup) times[name]!.push(ms);
    }
  const ratio = median(times.lxcri!) / median(times.runc!);
  medians.set(figure, { lxcri: median(times.lxcri!), runc: median(times.runc!) });
  return `| ${figure} | ${fmt(times.lxcri)} | ${fmt(times.runc)} | ${ratio.toFixed(2)} |`;
}

export const version = (bin: string) => Bun.spawnSync([bin, "--version"]).stdout.toString().split("\n")[0];
