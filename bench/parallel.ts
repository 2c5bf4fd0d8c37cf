// N containers (default 50) created and started in parallel, each as its own
// create → start chain, then all deleted in parallel; the total wall time.
// lxcri and runc alternate rounds. Run as root: bun bench/parallel.ts [rounds] [count]
import { bundle, compare, type Name, rtAsync, setup } from "./common.ts";

/** Each of `ids` created and started in parallel (a create → start chain each), then all deleted in parallel: the wall time (ms). */
export async function burst(call: (args: string[], id: string) => Promise<void>, b: string, ids: string[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      await call(["create", "--bundle", b, id], id);
      await call(["start", id], id);
    }),
  );
  await Promise.all(ids.map((id) => call(["delete", "--force", id], id)));
  return performance.now() - t0;
}

export async function parallelRow(rounds: number, count = 50): Promise<string> {
  setup();
  const b = bundle("parallel", ["sleep", "600"]);
  return compare(
    `${count} containers created and started in parallel, then deleted (total)`,
    (name: Name, i) =>
      burst(
        (args, id) => rtAsync(name, args, id),
        b,
        Array.from({ length: count }, (_, k) => `par-${i}-${k}`),
      ),
    rounds,
    1,
  );
}

if (import.meta.main) {
  console.log(await parallelRow(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 50)));
}
