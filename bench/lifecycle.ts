// lxcri and runc side by side on the same busybox bundle, one call at a time:
// the lifecycle of `true` (with and without a hook of each type), `state`,
// `--version`. Run as root: bun bench/lifecycle.ts [runs]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { libc } from "../ffi/libc.ts";
import { Runtime } from "../src/index.ts";
import { bundle, compare, compareParts, type Name, NAMES, rt, RUNTIMES, setup, work } from "./common.ts";

/** create → start → wait for the pid-file's process to exit → delete; milliseconds, each step and the total. */
export function lifecycle(name: Name, b: string, id: string): Record<string, number> {
  const pidFile = join(work, `${name}.pid`);
  const t0 = performance.now();
  rt(name, ["create", "--bundle", b, "--pid-file", pidFile, id]);
  const t1 = performance.now();
  const pid = Number(readFileSync(pidFile, "utf8"));
  rt(name, ["start", id]);
  const t2 = performance.now();
  libc.waitpid(pid, new Int32Array(1), 0);
  const t3 = performance.now();
  rt(name, ["delete", id]);
  const t4 = performance.now();
  return { total: t4 - t0, create: t1 - t0, start: t2 - t1, wait: t3 - t2, delete: t4 - t3 };
}

/** `run` of `true` (one call: create, start, wait; both runtimes remove the container), then `delete --force` as callers do. */
function runThenDelete(name: Name, b: string, id: string): number {
  const t0 = performance.now();
  rt(name, ["run", "--bundle", b, id]);
  rt(name, ["delete", "--force", id]);
  return performance.now() - t0;
}

const library = new Runtime({ root: RUNTIMES.lxcri.root });

/** The library in this process: nothing starts but the container's own processes. */
async function libraryRun(b: string, id: string): Promise<number> {
  const t0 = performance.now();
  await library.run(id, { bundle: b });
  await library.delete(id, { force: true });
  return performance.now() - t0;
}

export function timeCall(name: Name, args: string[], withRoot = true): number {
  const r = RUNTIMES[name];
  const t0 = performance.now();
  const p = Bun.spawnSync({ cmd: withRoot ? [r.bin, "--root", r.root, ...args] : [r.bin, ...args], stdio: ["ignore", "ignore", "ignore"] });
  const ms = performance.now() - t0;
  if (p.exitCode !== 0) throw new Error(`${name} ${args.join(" ")} failed`);
  return ms;
}

/** The figures' labels (bench/floor.ts finds runc's medians by them). */
export const LIFECYCLE_PARTS = {
  total: "lifecycle of `true` (create, start, wait, delete)",
  create: "· create",
  start: "· start",
  wait: "· wait (the process runs and exits)",
  delete: "· delete",
};
export const STATE_FIGURE = "`state` of a running container";
export const VERSION_FIGURE = "`--version`";

export async function lifecycleRows(n: number): Promise<string[]> {
  setup();
  const plain = bundle("plain", ["true"]);
  const trivial = { path: "/bin/true", args: ["true"] };
  const withHooks = bundle("hooks", ["true"], {
    prestart: [trivial],
    createRuntime: [trivial],
    createContainer: [trivial],
    startContainer: [trivial],
    poststart: [trivial],
    poststop: [trivial],
  });
  const sleeper = bundle("sleeper", ["sleep", "600"]);
  const rows = [
    ...(await compareParts(LIFECYCLE_PARTS, (name, i) => lifecycle(name, plain, `bench-${i}`), n)),
    ...(await compareParts(
      { total: "the same with one trivial hook of each type" },
      (name, i) => ({ total: lifecycle(name, withHooks, `benchh-${i}`).total }),
      n,
    )),
    await compare("`run` of `true` (one call), then `delete`", (name, i) => runThenDelete(name, plain, `benchr-${i}`), n),
    await compare(
      "a Bun script: `Runtime.run` + `delete` in one process (runc: its CLI `run` + `delete`)",
      (name, i) => (name === "lxcri" ? libraryRun(plain, `benchl-${i}`) : runThenDelete(name, plain, `benchl-${i}`)),
      n,
    ),
  ];
  for (const name of NAMES) {
    rt(name, ["create", "--bundle", sleeper, "bench-state"]);
    rt(name, ["start", "bench-state"]);
  }
  rows.push(await compare(STATE_FIGURE, (name) => timeCall(name, ["state", "bench-state"]), n));
  for (const name of NAMES) rt(name, ["delete", "--force", "bench-state"]);
  rows.push(await compare(VERSION_FIGURE, (name) => timeCall(name, ["--version"], false), n));
  return rows;
}

if (import.meta.main) {
  const n = Number(process.argv[2] ?? 20);
  const rows = await lifecycleRows(n);
  console.log(`lxcri vs runc, ${n} runs each after 2 warm-up rounds, alternating; milliseconds, median (min–max)\n`);
  console.log("| figure | lxcri | runc | ratio |\n|---|---|---|---|");
  for (const r of rows) console.log(r);
}
