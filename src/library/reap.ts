// Waiting for a child of ours (an exec'd process, a run's init) without blocking the event loop.
import { reapChild } from "../../ffi/libc.ts";

/**
 * Waits for `pid`, a child of ours, and gives its exit status. Woken by SIGCHLD (listened to only
 * while waiting: Bun's handler wakes the event loop, and the listener runs on it, so no exit can
 * slip between a look and the wait), a process's exit is seen at once; a poll every 20 ms stays
 * as a backstop. Polling alone (every 1 ms at first) saw a short process's exit ~0.5–1 ms late
 * (docs/performance.md, "Issue 23, round 5").
 */
export async function reap(pid: number): Promise<number> {
  let wake = () => {};
  const onChild = () => wake();
  process.on("SIGCHLD", onChild);
  try {
    for (;;) {
      const code = reapChild(pid);
      if (code !== null) return code;
      await new Promise<void>((res) => {
        const timer = setTimeout(res, 20);
        wake = () => {
          clearTimeout(timer);
          res();
        };
      });
    }
  } finally {
    process.off("SIGCHLD", onChild);
  }
}
