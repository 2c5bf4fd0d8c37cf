// Runtime.events: what happens to a container as an async iterable — its
// stats every `interval`, each OOM kill, each hook run, and its exit, after
// which the iteration ends. The CLI's `events` prints this stream.
import { containerDir, type Context } from "../context.ts";
import { checkId } from "../container/ids.ts";
import { observe } from "../container/observe.ts";
import { files } from "../container/store.ts";
import { driverOf } from "../cgroups/driver.ts";
import type { Stats } from "../cgroups/stats.ts";
import { LxcriError } from "../errors.ts";
import type { HookRecord } from "../hooks/run.ts";
import { readTrace } from "../hooks/trace.ts";
import { stat } from "../host/fs.ts";

/** An event of `events`, in runc's shape ({ type, id, data }). */
export type ContainerEvent =
  | { type: "stats"; id: string; data: Stats }
  /** The kernel killed a process of the container for want of memory (`count`: kills so far). */
  | { type: "oom"; id: string; data: { count: number } }
  /** A hook ran (the records in hooks.log: those run before the iteration began come first). */
  | { type: "hook"; id: string; data: HookRecord }
  /** The container stopped (or was deleted): the last event. */
  | { type: "exit"; id: string };

export interface EventsOptions {
  /** Milliseconds between stats events (default 5000). */
  interval?: number;
  /** Ends the iteration when aborted. */
  signal?: AbortSignal;
}

/** How often the container's state, hooks and OOM count are looked at: an exit is seen this soon. */
const TICK_MS = 100;

export async function* events(ctx: Context, id: string, opts: EventsOptions = {}): AsyncGenerator<ContainerEvent, void, undefined> {
  checkId(id);
  const interval = opts.interval ?? 5000;
  if (!(interval > 0))
    throw new LxcriError("invalid-argument", `events: interval must be a positive number of milliseconds, got ${interval}`);
  const dir = containerDir(ctx, id);
  let hooksSeen = 0;
  let traceSize = 0; // hooks.log is read again only when it has grown
  let ooms: number | undefined;
  let nextStats = 0;
  while (!opts.signal?.aborted) {
    let seen: Awaited<ReturnType<typeof observe>>;
    try {
      seen = await observe(dir, id);
    } catch (e) {
      // deleted while we watched: it has stopped (an id that never existed is an error)
      if (e instanceof LxcriError && e.code === "not-found" && ooms !== undefined) return yield { type: "exit", id };
      throw e;
    }
    const { record, state } = seen;
    const log = files(dir).hooksLog;
    let size = 0; // no hook has run yet: no hooks.log
    try {
      size = stat(log).size;
    } catch {}
    if (size !== traceSize) {
      traceSize = size;
      const { trace } = readTrace(log);
      for (const r of trace.slice(hooksSeen)) yield { type: "hook", id, data: r };
      hooksSeen = Math.max(hooksSeen, trace.length);
    }
    if (state.status === "stopped") return yield { type: "exit", id };
    // one event per kill, as runc prints them (oomKills: the one reading of the cgroups' counters)
    const count = (await driverOf(record).oomKills()) ?? 0;
    for (let n = (ooms ?? count) + 1; n <= count; n++) yield { type: "oom", id, data: { count: n } };
    ooms = count;
    if (Date.now() >= nextStats) {
      nextStats = Date.now() + interval;
      yield { type: "stats", id, data: await driverOf(record).stats() };
    }
    await Bun.sleep(Math.min(TICK_MS, Math.max(1, nextStats - Date.now())));
  }
}
