// A long-running service: started in a container, checked through exec every
// interval, and restarted when it exits (or stops answering). The service here
// writes a heartbeat file and, to show the restart, exits after a while.
//   bun examples/service.ts [--root DIR] [--restarts N]
import { Runtime } from "lxcri";
import { busyboxBundle, removeBundle } from "./bundle.ts";

const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback);
const rt = new Runtime({ root: process.argv.includes("--root") ? arg("--root", "") : undefined });
const restarts = Number(arg("--restarts", "2"));
const id = `service-${process.pid}`;

const bundle = busyboxBundle(["sh", "-c", "i=0; while [ $i -lt 8 ]; do date +%s > /tmp/heartbeat; i=$((i+1)); sleep 0.2; done; exit 1"]);

/** Healthy: the heartbeat file exists in the container (checked by a process exec'd into it). */
async function healthy(): Promise<boolean> {
  try {
    const check = await rt.exec(id, {
      process: { ...rt.spec(id).process, args: ["cat", "/tmp/heartbeat"] },
      stdout: "pipe",
      stderr: "ignore",
      signal: AbortSignal.timeout(2000),
    });
    const [out, code] = await Promise.all([new Response(check.stdout).text(), check.exited]);
    return code === 0 && out.trim() !== "";
  } catch {
    return false; // not running (any more)
  }
}

const shutdown = new AbortController();
process.on("SIGINT", () => shutdown.abort());
try {
  for (let run = 0; run <= restarts && !shutdown.signal.aborted; run++) {
    // run deletes the container when it exits, so each start is a fresh one
    const service = rt.run(id, { bundle, stdout: "ignore", signal: shutdown.signal });
    await service.created;
    console.log(`start #${run + 1}: init ${service.pid}`);
    let exited = false;
    const status = service.exited.finally(() => (exited = true));
    while (!exited) {
      await Bun.sleep(300);
      if (!exited) console.log(`health: ${(await healthy()) ? "ok" : "failing"}`);
    }
    console.log(`exited with status ${await status}${run < restarts ? ": restarting" : ""}`);
  }
} finally {
  removeBundle(bundle);
}
