import { runtime } from "../globals.ts";
import type { Call } from "../table.ts";

export default async function run({ id, flags }: Call<"run">): Promise<void> {
  const p = (await runtime()).run(id, { bundle: flags.bundle, pidFile: flags["pid-file"], forwardSignals: true });
  // process.terminal: the pty's output to ours, our input to it (as runc run without a console socket)
  const proxied = p.terminal.then(async (t) => {
    if (!t) return;
    void Bun.stdin
      .stream()
      .pipeTo(t.writable)
      .catch(() => {});
    for await (const chunk of t.readable) process.stdout.write(chunk);
  });
  process.exitCode = await p;
  // the pty's last output (it ends once the container's processes are gone), before the CLI exits
  await Promise.race([proxied, Bun.sleep(1000)]);
}
