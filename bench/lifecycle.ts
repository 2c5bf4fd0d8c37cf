// lxcri and runc side by side on the same busybox bundle, alternating runs
// (A B A B …) so both see the same machine state. Reports medians, min–max
// and the ratio lxcri/runc. Run as root: bun bench/lifecycle.ts [iterations]
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { libc } from "../ffi/libc.ts";
import { makeBundle } from "../scripts/make-bundle.ts";
import type { Hooks } from "../src/spec/types.ts";

const N = Number(process.argv[2] ?? 20);
const repo = join(import.meta.dir, "..");
const work = join(repo, "build", "bench");
const RUNTIMES = {
  lxcri: { bin: join(repo, "build", "lxcri"), root: "/run/lxcri-bench" },
  runc: { bin: "/usr/sbin/runc", root: "/run/runc-bench" },
};
type Name = keyof typeof RUNTIMES;

// Containers' pid-file processes (runc: the init; lxcri: the monitor) are re-parented to us.
if (libc.syscall(157, 36, 1, 0, 0, 0) !== 0n) throw new Error("prctl(PR_SET_CHILD_SUBREAPER) failed: run as root on Linux");

// The container inherits the runtime's stdio: a pipe would stay open until the container exits.
const errFile = join(work, "stderr");

function rt(name: Name, args: string[]): void {
  const r = RUNTIMES[name];
  const err = openSync(errFile, "w");
  const p = Bun.spawnSync({ cmd: [r.bin, "--root", r.root, ...args], stdio: ["ignore", "ignore", err] });
  closeSync(err);
  if (p.exitCode !== 0) throw new Error(`${name} ${args.join(" ")}: exit ${p.exitCode}: ${readFileSync(errFile, "utf8")}`);
}

function bundle(name: string, hooks?: Hooks): string {
  const b = makeBundle(join(work, name), ["true"]);
  if (hooks) {
    const file = join(b, "config.json");
    const spec = JSON.parse(readFileSync(file, "utf8"));
    spec.hooks = hooks;
    writeFileSync(file, JSON.stringify(spec));
  }
  return b;
}

/** create → start → wait for the pid-file's process to exit → delete; milliseconds. */
function lifecycle(name: Name, b: string, id: string): number {
  const pidFile = join(work, `${name}.pid`);
  const t0 = performance.now();
  rt(name, ["create", "--bundle", b, "--pid-file", pidFile, id]);
  const pid = Number(readFileSync(pidFile, "utf8"));
  rt(name, ["start", id]);
  libc.waitpid(pid, new Int32Array(1), 0);
  rt(name, ["delete", id]);
  return performance.now() - t0;
}

function timeCall(name: Name, args: string[], withRoot = true): number {
  const r = RUNTIMES[name];
  const t0 = performance.now();
  const p = Bun.spawnSync({ cmd: withRoot ? [r.bin, "--root", r.root, ...args] : [r.bin, ...args], stdio: ["ignore", "ignore", "ignore"] });
  const ms = performance.now() - t0;
  if (p.exitCode !== 0) throw new Error(`${name} ${args.join(" ")} failed`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (xs: number[]) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;

function compare(figure: string, run: (name: Name, i: number) => number, n = N): string {
  const times: Record<Name, number[]> = { lxcri: [], runc: [] };
  for (let i = 0; i < n + 2; i++)
    for (const name of ["lxcri", "runc"] as Name[]) {
      const ms = run(name, i);
      if (i >= 2) times[name].push(ms); // two warm-up rounds
    }
  const ratio = median(times.lxcri) / median(times.runc);
  return `| ${figure} | ${fmt(times.lxcri)} | ${fmt(times.runc)} | ${ratio.toFixed(2)} |`;
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
for (const r of Object.values(RUNTIMES)) mkdirSync(r.root, { recursive: true });

const plain = bundle("plain");
const trivial = { path: "/bin/true", args: ["true"] };
const withHooks = bundle("hooks", {
  prestart: [trivial], createRuntime: [trivial], createContainer: [trivial],
  startContainer: [trivial], poststart: [trivial], poststop: [trivial],
});
const sleeper = bundle("sleeper");
{
  const file = join(sleeper, "config.json");
  const spec = JSON.parse(readFileSync(file, "utf8"));
  spec.process.args = ["sleep", "600"];
  writeFileSync(file, JSON.stringify(spec));
}

const rows = [
  compare("lifecycle of `true` (create, start, wait, delete)", (name, i) => lifecycle(name, plain, `bench-${i}`)),
  compare("the same with one trivial hook of each type", (name, i) => lifecycle(name, withHooks, `benchh-${i}`)),
];
for (const name of ["lxcri", "runc"] as Name[]) {
  rt(name, ["create", "--bundle", sleeper, "bench-state"]);
  rt(name, ["start", "bench-state"]);
}
rows.push(compare("`state` of a running container", (name) => timeCall(name, ["state", "bench-state"])));
for (const name of ["lxcri", "runc"] as Name[]) rt(name, ["delete", "--force", "bench-state"]);
rows.push(compare("`--version`", (name) => timeCall(name, ["--version"], false)));

const version = (bin: string) => Bun.spawnSync([bin, "--version"]).stdout.toString().split("\n")[0];
console.log(`lxcri vs runc, ${N} runs each after 2 warm-up rounds, alternating; milliseconds, median (min–max)`);
console.log(`${new Date().toISOString()} · ${version(RUNTIMES.lxcri.bin)} · ${version(RUNTIMES.runc.bin)} · kernel ${readFileSync("/proc/sys/kernel/osrelease", "utf8").trim()}\n`);
console.log("| figure | lxcri | runc | ratio |\n|---|---|---|---|");
for (const r of rows) console.log(r);
