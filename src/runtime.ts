// The library's entry point: one Runtime per state root. The CLI is a thin
// shell over these methods. create, start and delete are imported when first
// called: `state`, `kill` and `list` then load neither the translation nor
// liblxc, which keeps each CLI call's start-up short (docs/performance.md).
import { readDir, tryReadText } from "../ffi/files.ts";
import { type Context, containerDir } from "./context.ts";
import type { CreateOptions } from "./container/create/index.ts";
import { readHooks, type StoredHook } from "./hooks/layout.ts";
import { DEFAULT_HOOK_TIMEOUT, type HookRecord } from "./hooks/run.ts";
import { readTrace } from "./hooks/trace.ts";
import { checkId } from "./container/ids.ts";
import type { ExecOptions, ExecResult } from "./container/exec.ts";
import type { Stats } from "./container/stats.ts";
import { type Logger, silentLogger } from "./log.ts";
import { files, readRecord, readStoredSpec } from "./container/record.ts";
import { HOOK_TYPES, type Spec, type State } from "./spec/types.ts";
import { checkRoot, DEFAULT_ROOT, parseHookTimeout } from "./options.ts";
import { join } from "./path.ts";
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

export class Runtime {
  readonly ctx: Context;

  constructor(opts: RuntimeOptions = {}) {
    const root = checkRoot(
      opts.root ?? defaultRoot(process.env, process.geteuid?.() ?? 0, () => inUserNamespace(tryReadText("/proc/self/uid_map"))),
    );
    const env = process.env.OCI_HOOK_TIMEOUT;
    const hookTimeout = opts.hookTimeout ?? (env ? parseHookTimeout(env, "OCI_HOOK_TIMEOUT") : DEFAULT_HOOK_TIMEOUT);
    this.ctx = {
      root,
      log: opts.log ?? silentLogger,
      hookTimeout,
      lxcLogLevel: opts.lxcLogLevel ?? "warn",
      systemdCgroup: opts.systemdCgroup,
      rootless: opts.rootless,
    };
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

  /** Starts a process in the container (see ExecOptions); `wait()` gives its exit code. */
  async exec(id: string, opts: ExecOptions): Promise<ExecResult> {
    const { exec } = await import("./container/exec.ts");
    return exec(this.ctx, id, opts);
  }

  /** The config.json the container was created from: the bytes create read and checked, never the bundle's file again. */
  spec(id: string): Spec {
    checkId(id);
    const dir = containerDir(this.ctx, id);
    readRecord(dir, id);
    return readStoredSpec(dir);
  }

  /** New cgroup limits (runtime-spec linux.resources) for a container that has not stopped. */
  async update(id: string, resources: Record<string, unknown>): Promise<void> {
    const { update } = await import("./container/update.ts");
    return update(this.ctx, id, resources);
  }

  /** cpu, memory and pids figures of the container's cgroups (runc's events --stats data). */
  async stats(id: string): Promise<Stats> {
    checkId(id);
    const { containerStats } = await import("./container/stats.ts");
    return containerStats(readRecord(containerDir(this.ctx, id), id));
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
    checkId(id);
    const record = readRecord(containerDir(this.ctx, id), id);
    if (record.cgroups?.length === 0) {
      // rootless without cgroups: init's pid namespace
      const { pidNamespacePids } = await import("./host/pidns.ts");
      return pidNamespacePids(record.initPid, record.initStart);
    }
    const { containerPids } = await import("./cgroups/container.ts");
    return containerPids(record);
  }

  /** Destroys the container and runs its poststop hooks; returns their records. */
  async delete(id: string, opts: { force?: boolean } = {}): Promise<HookRecord[]> {
    const { deleteContainer } = await import("./container/delete.ts");
    return deleteContainer(this.ctx, id, opts);
  }

  /**
   * create + start + wait + delete. Resolves with the container's exit status
   * (128+n for signal n). The process is a subreaper (as runc run is) while create
   * ends liblxc's monitor, so init is re-parented to it, its child to reap. Only
   * then: a script that stayed one would adopt every later orphan (a detached
   * exec's process, another container's init) and never reap it, and a pid
   * namespace's init cannot finish dying while such a zombie of it waits.
   */
  async run(id: string, opts: CreateOptions & { forwardSignals?: boolean } = {}): Promise<number> {
    const { setSubreaper, reapChild } = await import("../ffi/libc.ts");
    const { FORWARDED_SIGNALS } = await import("./host/signals.ts");
    const was = setSubreaper(true);
    let pid: number | undefined;
    try {
      ({ pid } = await this.create(id, opts));
    } finally {
      if (!was) setSubreaper(false);
    }
    const forward = (sig: NodeJS.Signals) => this.kill(id, sig).catch(() => {});
    if (opts.forwardSignals) for (const s of FORWARDED_SIGNALS) process.on(s, forward);
    try {
      await this.start(id);
      // Polled, so the event loop (signal forwarding, a script's other work) runs meanwhile: every
      // 1 ms at first, when short processes end (5 ms from the start cost `true` ~4 ms of run's ~20),
      // then every 5 ms.
      let code: number | null;
      for (let polls = 0; (code = reapChild(pid!)) === null; polls++) await Bun.sleep(polls < 100 ? 1 : 5);
      return code;
    } finally {
      if (opts.forwardSignals) for (const s of FORWARDED_SIGNALS) process.off(s, forward);
      await this.delete(id, { force: true });
    }
  }

  /** Every container under the root, with its state. */
  async list(): Promise<State[]> {
    let names: string[];
    try {
      names = readDir(this.ctx.root).map((e) => e.name);
    } catch {
      return [];
    }
    const out: State[] = [];
    for (const name of names.sort()) {
      try {
        checkId(name);
        out.push(await this.state(name));
      } catch {
        /* not a container directory, or one being removed */
      }
    }
    return out;
  }

  /** The hooks layout of a container and the trace of every hook run so far (`truncated`: hooks.log reached its cap, later runs are not in it). */
  hooks(id: string): { layout: StoredHook[]; trace: HookRecord[]; truncated: boolean } {
    checkId(id);
    const dir = containerDir(this.ctx, id);
    readRecord(dir, id);
    const f = files(dir);
    return { layout: HOOK_TYPES.flatMap((t) => readHooks(f.hooks, t)), ...readTrace(f.hooksLog) };
  }

  /** Where a container's files are (for tools and tests). */
  dir(id: string): string {
    return join(this.ctx.root, checkId(id));
  }
}
