// Waiting for a child of ours (an exec'd process, a run's init) without blocking the event loop.
import { reapChild } from "../../ffi/libc.ts";

/**
 * Waits for `pid`, a child of ours, and gives its exit status. Polled, so the
 * event loop runs meanwhile: every 1 ms at first (short processes end within
 * a few), then less often, up to every 50 ms for a long-running one.
 */
export async function reap(pid: number): Promise<number> {
  for (let polls = 0; ; polls++) {
    const code = reapChild(pid);
    if (code !== null) return code;
    await Bun.sleep(polls < 100 ? 1 : polls < 400 ? 5 : 50);
  }
}
