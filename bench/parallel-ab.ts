// bench/parallel.ts's figure (N containers created and started in parallel, then all deleted) for
// several lxcri builds and runc, alternating burst by burst, with the CPU time of everything the
// burst ran besides its wall time: on 2 cores the figure is CPU-bound, and CPU time moves less with
// a shared machine's load. CPU: getrusage(RUSAGE_CHILDREN) before and after the burst, once the
// containers' inits (re-parented here: this is a subreaper) are reaped too.
// Run as root: bun bench/parallel-ab.ts <rounds> <count> <lxcri A> [lxcri B …]
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ptr } from "bun:ffi";
import { libc, trySys } from "../ffi/libc.ts";
import { freshCopy, bundle, median, RUNTIMES, setup, work } from "./common.ts";

const [roundsArg, countArg, ...given] = process.argv.slice(2);
if (!given.length) throw new Error("usage: bun bench/parallel-ab.ts <rounds> <count> <lxcri A> [lxcri B …]");
const rounds = Number(roundsArg);
const count = Number(countArg);
setup();
const bins = given.map((g, i) => freshCopy(g, join(work, "parallel-ab-fresh", String(i))));
const runtimes = [...bins.map((bin, i) => ({ name: given[i]!, bin, root: "/run/lxcri-parallel-ab" })), { name: "runc", ...RUNTIMES.runc }];
Bun.spawnSync(["sync"]);
const b = bundle("parallel-ab", ["sleep", "600"]);

function childrenCpu(): number {
  const ru = new BigInt64Array(18);
  trySys(98 /* getrusage */, -1 /* RUSAGE_CHILDREN */, ptr(ru));
  return Number(ru[0]! + ru[2]!) * 1000 + Number(ru[1]! + ru[3]!) / 1000; // µs → ms
}

function reapAll(): void {
  const st = new Int32Array(1);
  while (libc.waitpid(-1, st, 1 /* WNOHANG */) > 0);
}

async function call(rt: { bin: string; root: string }, args: string[], tag: string): Promise<void> {
  const errFile = join(work, `parallel-ab.${tag}.stderr`);
  const err = openSync(errFile, "w");
  const p = Bun.spawn({ cmd: [rt.bin, "--root", rt.root, ...args], stdio: ["ignore", "ignore", err] });
  const code = await p.exited;
  closeSync(err);
  if (code !== 0) throw new Error(`${rt.bin} ${args.join(" ")}: ${readFileSync(errFile, "utf8")}`);
}

const wall: number[][] = runtimes.map(() => []);
const cpu: number[][] = runtimes.map(() => []);
for (let r = 0; r < rounds; r++)
  for (const [j, rt] of runtimes.entries()) {
    const ids = Array.from({ length: count }, (_, i) => `pab-${r}-${j}-${i}`);
    reapAll();
    const c0 = childrenCpu();
    const t0 = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        await call(rt, ["create", "--bundle", b, id], id);
        await call(rt, ["start", id], id);
      }),
    );
    await Promise.all(ids.map((id) => call(rt, ["delete", "--force", id], id)));
    wall[j]!.push(performance.now() - t0);
    await Bun.sleep(200);
    reapAll();
    cpu[j]!.push(childrenCpu() - c0);
  }
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
for (const [j, rt] of runtimes.entries())
  console.log(
    `${rt.name}: ${count} at once ${median(wall[j]!).toFixed(0)} ms (${wall[j]!.map((x) => x.toFixed(0)).join(", ")}) · CPU ${median(cpu[j]!).toFixed(0)} ms (${cpu[j]!.map((x) => x.toFixed(0)).join(", ")})`,
  );
console.log(`load ${load}`);
