// N containers (default 50) created and started in parallel, each as its own
// create → start chain, then all deleted in parallel; the total wall time.
// lxcri and runc alternate rounds. Run as root: bun bench/parallel.ts [rounds] [count]
import { bundle, compare, type Name, rtAsync, setup } from "./common.ts";

async function burst(name: Name, b: string, count: number, round: number): Promise<number> {
  const ids = Array.from({ length: count }, (_, i) => `par-${round}-${i}`);
  const t0 = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      await rtAsync(name, ["create", "--bundle", b, id], id);
      await rtAsync(name, ["start", id], id);
    }),
  );
  await Promise.all(ids.map((id) => rtAsync(name, ["delete", "--force", id], id)));
  return performance.now() - t0;
}

export async function parallelRow(rounds: number, count = 50): Promise<string> {
  setup();
  const b = bundle("parallel", ["sleep", "600"]);
  return compare(
    `${count} containers created and started in parallel, then deleted (total)`,
    (name, i) => burst(name, b, count, i),
    rounds,
    1,
  );
}

if (import.meta.main) {
  console.log(await parallelRow(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 50)));
}
