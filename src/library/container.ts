// A container handle: the Runtime's methods bound to one id, disposable —
// `await using c = rt.container(id)` deletes it (force) when the block ends,
// on error too.
import type { Stats } from "../cgroups/stats.ts";
import { LxcriError } from "../errors.ts";
import type { HookRecord } from "../hooks/run.ts";
import type { Runtime } from "../runtime.ts";
import type { Spec, State } from "../spec/types.ts";
import type { ContainerEvent, EventsOptions } from "./events.ts";
import type { ExecOptions, ExecProcess } from "./exec.ts";
import type { StdinOption, StdioOption } from "./stdio.ts";

/**
 * One container of a Runtime: `rt.container(id)`. With `await using c = rt.container(id)`
 * the container is deleted (force) when the block ends, also when it throws.
 */
export class Container implements AsyncDisposable {
  constructor(
    readonly runtime: Runtime,
    readonly id: string,
  ) {}

  state(): Promise<State> {
    return this.runtime.state(this.id);
  }

  start(): Promise<State> {
    return this.runtime.start(this.id);
  }

  kill(signal?: string | number, opts?: { all?: boolean }): Promise<void> {
    return this.runtime.kill(this.id, signal, opts);
  }

  exec<In extends StdinOption = undefined, Out extends StdioOption = undefined, Err extends StdioOption = undefined>(
    opts: ExecOptions<In, Out, Err>,
  ): Promise<ExecProcess<In, Out, Err>> {
    return this.runtime.exec(this.id, opts);
  }

  stats(): Promise<Stats> {
    return this.runtime.stats(this.id);
  }

  events(opts?: EventsOptions): AsyncIterable<ContainerEvent> {
    return this.runtime.events(this.id, opts);
  }

  spec(): Spec {
    return this.runtime.spec(this.id);
  }

  pause(): Promise<void> {
    return this.runtime.pause(this.id);
  }

  resume(): Promise<void> {
    return this.runtime.resume(this.id);
  }

  ps(): Promise<number[]> {
    return this.runtime.ps(this.id);
  }

  delete(opts?: { force?: boolean }): Promise<HookRecord[]> {
    return this.runtime.delete(this.id, opts);
  }

  /** Deletes the container (force: its processes are killed); one already deleted is no error. */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.runtime.delete(this.id, { force: true });
    } catch (e) {
      if (!(e instanceof LxcriError && e.code === "not-found")) throw e;
    }
  }
}
