// bench/parallel.ts's figure (N containers created and started in parallel, then all deleted) for
// several lxcri builds and runc, alternating burst by burst, with the CPU time of everything the
// burst ran besides its wall time: on 2 cores the figure is CPU-bound, and CPU time moves less with
// a shared machine's load. CPU: getrusage(RUSAGE_CHILDREN) before and after the burst, once the
// containers' inits (re-parented here: this is a subreaper) are reaped too.
// Run as root: bun bench/parallel-ab.ts <rounds> <count> <lxcri A> [lxcri B …]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { childrenCpuMs, libc } from "../ffi/libc.ts";
import { asyncCall, bundle, freshCopy, median, RUNTIMES, setup, work } from "./common.ts";
import { burst } from "./parallel.ts";

const [roundsArg, countArg, ...given] = process.argv.slice(2);
if (!given.length) throw new Error("usage: bun bench/parallel-ab.ts <rounds> <count> <lxcri A> [lxcri B …]");
const rounds = Number(roundsArg);
const count = Number(countArg);
setup();
const bins = given.map((g, i) => freshCopy(g, join(work, "parallel-ab-fresh", String(i))));
const runtimes = [...bins.map((bin, i) => ({ name: given[i]!, bin, root: "/run/lxcri-parallel-ab" })), { name: "runc", ...RUNTIMES.runc }];
Bun.spawnSync(["sync"]);
const b = bundle("parallel-ab", ["sleep", "600"]);

function reapAll(): void {
  const st = new Int32Array(1);
  while (libc.waitpid(-1, st, 1 /* WNOHANG */) > 0);
}

const wall: number[][] = runtimes.map(() => []);
const cpu: number[][] = runtimes.map(() => []);
for (let r = 0; r < rounds; r++)
  for (const [j, rt] of runtimes.entries()) {
    const ids = Array.from({ length: count }, (_, i) => `pab-${r}-${j}-${i}`);
    reapAll();
    const c0 = childrenCpuMs();
    wall[j]!.push(await burst((args, id) => asyncCall(rt.bin, rt.root, args, `parallel-ab.${id}`), b, ids));
    await Bun.sleep(200);
    reapAll();
    cpu[j]!.push(childrenCpuMs() - c0);
  }
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
for (const [j, rt] of runtimes.entries())
  console.log(
    `${rt.name}: ${count} at once ${median(wall[j]!).toFixed(0)} ms (${wall[j]!.map((x) => x.toFixed(0)).join(", ")}) · CPU ${median(cpu[j]!).toFixed(0)} ms (${cpu[j]!.map((x) => x.toFixed(0)).join(", ")})`,
  );
console.log(`load ${load}`);
