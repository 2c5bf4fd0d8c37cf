// Many containers running at once (default 200): each created and started
// (at most `parallel` calls at a time), then every one must report
// "running" and answer `state`; then all are deleted. Reports the time of
// each phase, the failures, and what was left over. lxcri only by default;
// "runc" as a third argument runs runc the same way for comparison.
// Run as root: bun bench/many.ts [count] [parallel] [runc]
import { readdirSync } from "node:fs";
import { type Name, RUNTIMES, rtAsync, bundle, setup } from "./common.ts";

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<string[]> {
  const errors: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await fn(item).catch((e: Error) => errors.push(e.message.split("\n")[0]!));
      }
    }),
  );
  return errors;
}

export async function manyRow(name: Name, count: number, parallel = 10): Promise<string> {
  setup();
  const b = bundle("many", ["sleep", "600"]);
  const ids = Array.from({ length: count }, (_, i) => `many-${i}`);
  const t0 = performance.now();
  const upErrors = await pool(ids, parallel, async (id) => {
    await rtAsync(name, ["create", "--bundle", b, id], id);
    await rtAsync(name, ["start", id], id);
  });
  const t1 = performance.now();
  let running = 0;
  for (const id of ids) {
    const p = Bun.spawnSync([RUNTIMES[name].bin, "--root", RUNTIMES[name].root, "state", id]);
    if (p.exitCode === 0 && JSON.parse(p.stdout.toString()).status === "running") running++;
  }
  const t2 = performance.now();
  const downErrors = await pool(ids, parallel, (id) => rtAsync(name, ["delete", "--force", id], id));
  const t3 = performance.now();
  const left = readdirSync(RUNTIMES[name].root).filter((d) => d.startsWith("many-")).length;
  const errors = [...upErrors, ...downErrors];
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return `| ${name}: ${count} containers, ${parallel} calls at a time | ${running}/${count} running | up ${s(t1 - t0)} s, state of all ${s(t2 - t1)} s, delete ${s(t3 - t2)} s | ${errors.length} errors${errors.length ? ` (first: ${errors[0]})` : ""}, ${left} left |`;
}

if (import.meta.main) {
  const [count = "200", parallel = "10", also] = process.argv.slice(2);
  console.log("| figure | result | time | problems |\n|---|---|---|---|");
  console.log(await manyRow("lxcri", Number(count), Number(parallel)));
  if (also === "runc") console.log(await manyRow("runc", Number(count), Number(parallel)));
}
