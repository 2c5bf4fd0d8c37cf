// Many short jobs, each in its own container, at most `limit` at a time, with
// a progress line; each job's output is collected.
//   bun examples/parallel-jobs.ts [--root DIR] [--jobs N] [--limit N]
import { Runtime } from "lxcri";
import { busyboxBundle, removeBundle } from "./bundle.ts";

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const rt = new Runtime({ root: process.argv.includes("--root") ? arg("--root", "") : undefined });
const jobs = Number(arg("--jobs", "20"));
const limit = Number(arg("--limit", "4"));

// one bundle for all: the job number goes in through stdin
const bundle = busyboxBundle(["sh", "-c", 'read n; echo "$n $((n * n))"']);
const results: string[] = new Array(jobs);
let done = 0;
let failed = 0;
const progress = () => process.stderr.write(`\r${done}/${jobs} done, ${failed} failed`);

async function job(n: number): Promise<void> {
  const p = rt.run(`job-${process.pid}-${n}`, { bundle, stdin: `${n}\n`, stdout: "pipe", signal: AbortSignal.timeout(30_000) });
  const [out, code] = await Promise.all([new Response(p.stdout).text(), p.exited]);
  if (code === 0) results[n] = out.trim();
  else {
    failed++;
    console.error(`job ${n}: status ${code}, output ${JSON.stringify(out)}`);
  }
  done++;
  progress();
}

try {
  let next = 0;
  // `limit` workers, each taking the next job until none is left
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs) }, async () => {
      while (next < jobs) await job(next++);
    }),
  );
  process.stderr.write("\n");
  for (const r of results) if (r) console.log(r);
  if (failed) process.exitCode = 1;
} finally {
  removeBundle(bundle);
}
