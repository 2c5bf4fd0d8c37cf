// Runtime.run: create + start + wait + delete, with init's stdio as Bun.spawn
// takes it and an AbortSignal that kills and deletes. What it returns is the
// exit status's promise (what run always returned) carrying the process's
// fields, so `await rt.run(id, { bundle })` is the exit status as before, and
// `const p = rt.run(id, { bundle, stdout: "pipe" })` reads the output while
// the container runs, as with Bun.spawn.
//
// The process is a subreaper (as runc run is) while create ends liblxc's
// monitor, so init is re-parented to it, its child to reap. Only then: a
// script that stayed one would adopt every later orphan (a detached exec's
// process, another container's init) and never reap it, and a pid
// namespace's init cannot finish dying while such a zombie of it waits.
// Concurrent runs share the setting: it goes off when the last create ends
// (one run turning it off while another's create ended liblxc's monitor
// would give that init to the host's init, and its run could not reap it).
import type { CreateOptions } from "../container/create/index.ts";
import type { Context } from "../context.ts";
import { type ContainerProcess, onAbort, type SignalOptions, signalChild } from "./process.ts";
import { LaterSink, laterStream } from "./deferred.ts";
import type { OpenedStdio, StdinOption, StdioOption, StdioOptions } from "./stdio.ts";
import type { Terminal } from "./terminal.ts";

/** run's options: create's, init's stdio as Bun.spawn takes it, an AbortSignal. */
export interface RunOptions<
  In extends StdinOption = StdinOption,
  Out extends StdioOption = StdioOption,
  Err extends StdioOption = StdioOption,
> extends CreateOptions,
    StdioOptions<In, Out, Err>,
    SignalOptions {
  /** Forward SIGINT, SIGTERM, … this process gets to the container's init (as `lxcri run` does). */
  forwardSignals?: boolean;
}

/** What run returns: a promise of the exit status (128+n for signal n) that is also the container's process. */
export type RunProcess<
  In extends StdinOption = StdinOption,
  Out extends StdioOption = StdioOption,
  Err extends StdioOption = StdioOption,
> = Promise<number> &
  ContainerProcess<In, Out, Err> & {
    /** Resolves with init's host pid once the container is created. */
    readonly created: Promise<number>;
    /** With process.terminal in config.json: the pty as one duplex stream, once the container is created (else undefined). */
    readonly terminal: Promise<Terminal | undefined>;
  };

export function runProcess<In extends StdinOption, Out extends StdioOption, Err extends StdioOption>(
  ctx: Context,
  id: string,
  opts: RunOptions<In, Out, Err>,
): RunProcess<In, Out, Err> {
  // the pipes, once made (see deferred.ts)
  let opened!: (io: OpenedStdio | undefined) => void;
  const stdio = new Promise<OpenedStdio | undefined>((res) => (opened = res));
  let pid: number | undefined;
  let exitCode: number | null = null;
  let pending: number | NodeJS.Signals | undefined; // a kill() before init exists
  let created!: (pid: number) => void;
  let notCreated!: (e: unknown) => void;
  const createdP = new Promise<number>((res, rej) => ((created = res), (notCreated = rej)));
  createdP.catch(() => {}); // the same error rejects the run itself
  let gotTerminal!: (t: Terminal | undefined) => void;
  const terminal = new Promise<Terminal | undefined>((res) => (gotTerminal = res));
  const kill = (signal: number | NodeJS.Signals = "SIGTERM") => {
    if (pid === undefined) pending = signal;
    else if (exitCode === null) signalChild(pid, signal);
  };

  const exited = (async () => {
    try {
      opts.signal?.throwIfAborted();
      // loaded here: `run` is on the Runtime every CLI call builds, and these load liblxc and libc
      const [
        { create },
        { start },
        { deleteContainer },
        { FORWARDED_SIGNALS },
        { asSubreaper },
        { reap },
        { openStdio },
        { ptyStreams },
        { closeFd },
      ] = await Promise.all([
        import("../container/create/index.ts"),
        import("../container/start.ts"),
        import("../container/delete.ts"),
        import("../host/signals.ts"),
        import("./subreaper.ts"),
        import("./reap.ts"),
        import("./stdio.ts"),
        import("./terminal.ts"),
        import("../../ffi/fds.ts"),
      ]);
      const io = openStdio(opts.stdin, opts.stdout, opts.stderr);
      opened(io);
      let init: number;
      let master: number | undefined; // with process.terminal: the pty, ours
      try {
        init = (await asSubreaper(() => create(ctx, id, opts, io.child, (m) => (master = m)))).pid!;
      } catch (e) {
        io.abandon();
        closeFd(master);
        throw e;
      }
      pid = init;
      io.started(); // init holds its ends now: ours go, and a piped output reads EOF when the container's processes end
      created(init);
      gotTerminal(master === undefined ? undefined : ptyStreams(master));
      const forward = (sig: NodeJS.Signals) => kill(sig);
      if (opts.forwardSignals) for (const s of FORWARDED_SIGNALS) process.on(s, forward);
      const stopListening = onAbort(opts.signal, () => kill(opts.killSignal ?? "SIGKILL"));
      try {
        if (opts.signal?.aborted || pending !== undefined) {
          // aborted or killed before start: the process never runs; init goes with SIGKILL
          signalChild(init, "SIGKILL");
        } else {
          try {
            await start(ctx, id);
          } catch (e) {
            if (!opts.signal?.aborted) throw e; // an abort during start killed init: its error is no news
          }
        }
        exitCode = await reap(init);
        return exitCode;
      } finally {
        stopListening();
        if (opts.forwardSignals) for (const s of FORWARDED_SIGNALS) process.off(s, forward);
        await deleteContainer(ctx, id, { force: true });
      }
    } catch (e) {
      opened(undefined);
      gotTerminal(undefined);
      notCreated(e);
      throw e;
    }
  })();
  return Object.defineProperties(exited, {
    pid: { get: () => pid },
    stdin: { value: opts.stdin === "pipe" ? new LaterSink(stdio.then((io) => io?.stdin)) : undefined },
    stdout: { value: opts.stdout === "pipe" ? laterStream(stdio.then((io) => io?.stdout)) : undefined },
    stderr: { value: opts.stderr === "pipe" ? laterStream(stdio.then((io) => io?.stderr)) : undefined },
    exited: { value: exited },
    exitCode: { get: () => exitCode },
    created: { value: createdP },
    terminal: { value: terminal },
    kill: { value: kill },
  }) as RunProcess<In, Out, Err>;
}
