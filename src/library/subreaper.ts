// While a create is under way this process must be a subreaper: create ends
// liblxc's monitor, so init is re-parented to us, our child to reap (see run.ts).
import { setSubreaper } from "../../ffi/libc.ts";

/** Creates under way in this process, and whether it was a subreaper before the first. */
let creating = 0;
let was = false;

/** Runs `fn` with this process a subreaper; process-wide and refcounted, so concurrent creates each get their init. */
export async function asSubreaper<T>(fn: () => Promise<T>): Promise<T> {
  if (creating++ === 0) was = setSubreaper(true);
  try {
    return await fn();
  } finally {
    if (--creating === 0 && !was) setSubreaper(false);
  }
}
