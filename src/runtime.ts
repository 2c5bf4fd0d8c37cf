// The library's entry point: one Runtime per state root. The CLI is a thin
// shell over these methods. create, start and delete are imported when first
// called: `state`, `kill` and `list` then load neither the translation nor
// liblxc, which keeps each CLI call's start-up short (docs/performance.md).
import { tryReadText } from "./host/fs.ts";
import { runProcess } from "./library/run.ts";
import { type Context, containerDir } from "./context.ts";
import type { CheckpointFlags, RestoreFlags } from "./container/checkpoint/criu-args.ts";
import type { CreateOptions } from "./container/create/index.ts";
import { readHooks, type StoredHook } from "./hooks/layout.ts";
import type { HookRecord } from "./hooks/run.ts";
import { readTrace } from "./hooks/trace.ts";
import { checkId } from "./container/ids.ts";
import { Container } from "./library/container.ts";
import type { ContainerEvent, EventsOptions } from "./library/events.ts";
import type { ExecOptions, ExecProcess } from "./library/exec.ts";
import type { RunOptions, RunProcess } from "./library/run.ts";
import type { StdinOption, StdioOption } from "./library/stdio.ts";
import { cgroupless } from "./cgroups/record.ts";
import type { Stats } from "./cgroups/stats.ts";
import { type Logger, silentLogger } from "./log.ts";
import { load } from "./container/load.ts";
import { readStoredSpec } from "./container/store.ts";
import { HOOK_TYPES, type Spec, type State } from "./spec/types.ts";
import { checkRoot, contextOf, DEFAULT_ROOT } from "./options.ts";
import { defaultRoot, inUserNamespace } from "./rootless.ts";

export { DEFAULT_ROOT };

export interface RuntimeOptions {
  /** State root (default /run/lxcri; rootless, runc's rule: $XDG_RUNTIME_DIR/lxcri). */
  root?: string;
  log?: Logger;
  /** Seconds for hooks without a timeout (default: $OCI_HOOK_TIMEOUT, else 60). */
  hookTimeout?: number;
  /** liblxc's log level in <root>/<id>/lxc.log (default "warn"; "debug" with --debug). */
  lxcLogLevel?: string;
  /** cgroupsPath values are systemd's "slice:prefix:name" (runc --systemd-cgroup). */
  systemdCgroup?: boolean;
  /** Rootless mode as runc's --rootless: true, false, undefined for auto (not root on the host). */
  rootless?: boolean;
}

/**
 * lxcri's operations on the containers under one state root: create, start,
 * exec, run, kill, delete, events, … (docs/library.md is a tutorial).
 */
export class Runtime {
  /** @internal What every operation gets (the root, the logger, the settings). */
  readonly ctx: Context;

  constructor(opts: RuntimeOptions = {}) {
    const root = checkRoot(
      opts.root ?? defaultRoot(process.env, process.geteuid?.() ?? 0, () => inUserNamespace(tryReadText("/proc/self/uid_map"))),
    );
    this.ctx = contextOf(root, opts.log ?? silentLogger, opts);
  }

  /** Creates the container from its bundle; its init is lxcri-init, waiting for start. */
  async create(id: string, opts: CreateOptions = {}): Promise<State> {
    const { create } = await import("./container/create/index.ts");
    return create(this.ctx, id, opts);
  }

  /** Runs startContainer hooks, the user process, then poststart hooks. */
  async start(id: string): Promise<State> {
    const { start } = await import("./container/start.ts");
    return start(this.ctx, id);
  }

  async state(id: string): Promise<State> {
    checkId(id);
    const { observe } = await import("./container/observe.ts");
    return (await observe(containerDir(this.ctx, id), id)).state;
  }

  /** Signals init, or with `all` every process in the container's cgroups. */
  async kill(id: string, signal?: string | number, opts: { all?: boolean } = {}): Promise<void> {
    const { kill } = await import("./container/kill.ts");
    return kill(this.ctx, id, signal, opts);
  }

  /**
   * Starts a process in the container, with stdio as Bun.spawn takes it
   * (default: this process's own), and resolves once it runs: `exited` gives
   * its exit status, `stdout: "pipe"` its output as a stream, `signal` kills it.
   */
  async exec<In extends StdinOption = undefined, Out extends StdioOption = undefined, Err extends StdioOption = undefined>(
    id: string,
    opts: ExecOptions<In, Out, Err>,
  ): Promise<ExecProcess<In, Out, Err>> {
    const { execProcess } = await import("./library/exec.ts");
    return execProcess(this.ctx, id, opts);
  }

  /** The config.json the container was created from: the bytes create read and checked, never the bundle's file again. */
  spec(id: string): Spec {
    return readStoredSpec(load(this.ctx, id).dir);
  }

  /** New cgroup limits (runtime-spec linux.resources) for a container that has not stopped. */
  async update(id: string, resources: Record<string, unknown>): Promise<void> {
    const { update } = await import("./container/update.ts");
    return update(this.ctx, id, resources);
  }

  /** cpu, memory and pids figures of the container's cgroups (runc's events --stats data). */
  async stats(id: string): Promise<Stats> {
    const { record } = load(this.ctx, id);
    const { driverOf } = await import("./cgroups/driver.ts");
    return driverOf(record).stats();
  }

  /** Freezes every process of a running container (status "paused"). */
  async pause(id: string): Promise<void> {
    const { setPaused } = await import("./container/pause.ts");
    return setPaused(this.ctx, id, true);
  }

  async resume(id: string): Promise<void> {
    const { setPaused } = await import("./container/pause.ts");
    return setPaused(this.ctx, id, false);
  }

  /** Host pids of the container's processes. */
  async ps(id: string): Promise<number[]> {
    const { record } = load(this.ctx, id);
    if (cgroupless(record.cgroups)) {
      // rootless without cgroups: init's pid namespace
      const { pidNamespacePids } = await import("./host/pidns.ts");
      return pidNamespacePids(record.initPid, record.initStart);
    }
    const { driverOf } = await import("./cgroups/driver.ts");
    return driverOf(record).pids();
  }

  /** Destroys the container and runs its poststop hooks; returns their records. */
  async delete(id: string, opts: { force?: boolean } = {}): Promise<HookRecord[]> {
    const { deleteContainer } = await import("./container/delete.ts");
    return deleteContainer(this.ctx, id, opts);
  }

  /**
   * create + start + wait + delete (force), with init's stdio as Bun.spawn
   * takes it (default: this process's own). Awaited, it is the exit status
   * (128+n for signal n); it is also the process (stdout, kill, exited, …).
   * `signal` aborted: init is killed and the container deleted.
   */
  run<In extends StdinOption = undefined, Out extends StdioOption = undefined, Err extends StdioOption = undefined>(
    id: string,
    opts: RunOptions<In, Out, Err> = {},
  ): RunProcess<In, Out, Err> {
    return runProcess(this.ctx, id, opts); // a bad id rejects it (create checks), as before
  }

  /** The container's stats every `interval` ms, OOM kills, hook runs and its exit, as they happen; ends once it stops. */
  events(id: string, opts: EventsOptions = {}): AsyncIterable<ContainerEvent> {
    checkId(id);
    const ctx = this.ctx;
    return {
      async *[Symbol.asyncIterator]() {
        const { events } = await import("./library/events.ts");
        yield* events(ctx, id, opts);
      },
    };
  }

  /** A handle on the container: its methods without the id, and `await using` deletes it (force) at the end of the block. */
  container(id: string): Container {
    return new Container(this, checkId(id));
  }

  /** Checkpoints a running container with CRIU into an image directory (runc's flags and layout). */
  async checkpoint(id: string, flags: CheckpointFlags = {}): Promise<void> {
    const { checkpoint } = await import("./container/checkpoint/dump.ts");
    return checkpoint(this.ctx, id, flags);
  }

  /** Makes a container again, running, from a bundle and a checkpoint; without `detach` waits for it and resolves with its exit status. */
  async restore(id: string, flags: RestoreFlags = {}): Promise<State | number> {
    const { restore } = await import("./container/checkpoint/restore.ts");
    return restore(this.ctx, id, flags);
  }

  /** Every container under the root, with its state. */
  async list(): Promise<State[]> {
    const { listContainers } = await import("./container/list.ts");
    return (await listContainers(this.ctx.root)).map((c) => c.state);
  }

  /** The hooks layout of a container and the trace of every hook run so far (`truncated`: hooks.log reached its cap, later runs are not in it). */
  hooks(id: string): { layout: StoredHook[]; trace: HookRecord[]; truncated: boolean } {
    const { files: f } = load(this.ctx, id);
    return { layout: HOOK_TYPES.flatMap((t) => readHooks(f.hooks, t)), ...readTrace(f.hooksLog) };
  }

  /** Where a container's files are (for tools and tests). */
  dir(id: string): string {
    return containerDir(this.ctx, checkId(id));
  }
}
