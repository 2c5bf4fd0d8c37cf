// A foreground `exec -t` without --console-socket (kubectl exec through CRI-O):
// lxcri owns the pty master and joins it to its own stdio. Our terminal goes
// raw for the duration (stty, restored after); SIGWINCH resizes the pty.
// Reads block in libuv's thread pool, so no fd is switched to O_NONBLOCK.
// node:fs, not host/fs.ts: the terminal is read on Bun's thread pool (a blocking read must not stop the event loop)
import { read, writeSync } from "node:fs";
import { setWindowSize, windowSize } from "../../ffi/pty.ts";

function stty(args: string[]): string | undefined {
  const r = Bun.spawnSync(["stty", ...args], { stdin: "inherit", stdout: "pipe", stderr: "ignore" });
  return r.exitCode === 0 ? r.stdout.toString().trim() : undefined;
}

function pump(from: number, to: number, onEnd: () => void): void {
  const buf = Buffer.alloc(16384);
  const next = () =>
    read(from, buf, 0, buf.length, null, (err, n) => {
      if (err || n === 0) return onEnd(); // EIO once the last slave fd is closed
      try {
        writeSync(to, buf, 0, n);
      } catch {
        return onEnd();
      }
      next();
    });
  next();
}

/** Starts the proxy; the returned function waits for the output to drain and restores the terminal. */
export function proxyTerminal(master: number): () => Promise<void> {
  const interactive = windowSize(0) !== undefined;
  const saved = interactive ? stty(["-g"]) : undefined;
  if (saved) stty(["raw", "-echo"]);
  const resize = () => {
    const ws = windowSize(0);
    if (ws) setWindowSize(master, ws.rows, ws.cols);
  };
  resize();
  process.on("SIGWINCH", resize);
  let done!: () => void;
  const drained = new Promise<void>((r) => (done = r));
  pump(master, 1, done);
  pump(0, master, () => {});
  return async () => {
    await Promise.race([drained, Bun.sleep(1000)]);
    process.off("SIGWINCH", resize);
    if (saved) stty([saved]);
  };
}
