// Waiting for a child of ours (an exec'd process, a run's init) without blocking the event loop.
import { reapChild } from "../../ffi/libc.ts";

/**
 * Waits for `pid`, a child of ours, and gives its exit status. Polled, so the
 * event loop runs meanwhile: every 1 ms for the first 0.1 s (short processes
 * end within a few), every 5 ms (as run and exec always polled) up to 10 s,
 * then every 20 ms: a long-running process costs 50 wake-ups a second, and
 * its exit is seen at most 20 ms late.
 */
export async function reap(pid: number): Promise<number> {
  const started = Date.now();
  for (let polls = 0; ; polls++) {
    const code = reapChild(pid);
    if (code !== null) return code;
    await Bun.sleep(polls < 100 ? 1 : Date.now() - started < 10_000 ? 5 : 20);
  }
}
